// Plain rows as the store keeps them. Key material appears only wrapped
// (sealed under the root key); the store never sees it in clear.
#ifndef KMSLAB_STORE_RECORDS_H_
#define KMSLAB_STORE_RECORDS_H_

#include <cstdint>
#include <map>
#include <string>

namespace kmslab::store {

struct KeyRow {
  std::string key_id;
  std::string arn;
  std::string account;
  std::string region;
  int64_t created_ms = 0;
  std::string description;
  std::string state;        // Enabled | Disabled | PendingDeletion | PendingImport
  std::string key_usage;    // ENCRYPT_DECRYPT
  std::string key_spec;     // SYMMETRIC_DEFAULT
  std::string origin;       // AWS_KMS
  std::string key_manager;  // CUSTOMER | AWS
  std::string policy;       // the key policy document, as given
  int64_t deletion_ms = 0;  // when PendingDeletion
  int pending_window_days = 0;
  bool rotation_enabled = false;
  int rotation_period_days = 0;
  int64_t next_rotation_ms = 0;
  bool multi_region = false;
  std::map<std::string, std::string> tags;
};

struct MaterialRow {
  std::string key_id;
  uint32_t version = 0;  // 1, 2, ...: the blob names it
  std::string material_id;  // 64 hex characters, as AWS shows KeyMaterialId
  std::string wrapped;      // sealed under the root key
  int64_t created_ms = 0;
  std::string rotation_type;  // "" for the first material, AUTOMATIC or ON_DEMAND
};

struct AliasRow {
  std::string account;
  std::string region;
  std::string name;  // alias/...
  std::string key_id;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
};

struct GrantRow {
  std::string grant_id;  // 64 hex
  std::string key_id;
  std::string name;
  std::string grantee;
  std::string retiring;         // "" when none
  std::string issuing_account;  // arn:aws:iam::<account>:root
  std::string operations;       // JSON array of operation names
  std::string constraints;      // JSON object, {} when none
  int64_t created_ms = 0;
};

}  // namespace kmslab::store

#endif  // KMSLAB_STORE_RECORDS_H_
