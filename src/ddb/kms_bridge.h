// KmsBridge: the KMS calls DynamoDB makes (docs/spec/dynamodb-sse.md section 3), made
// in-process through kms::Service so they are authorized and audited like any
// call. Two identities: the caller through DynamoDB (kms:ViaService
// dynamodb.<region>.amazonaws.com, kms:CallerAccount) and DynamoDB itself
// (AWSService), which acts under the table's grant.
//
// Every failure is already in DynamoDB's form (errors.h FromKmsError).
// Thread-safe.
#ifndef KMSLAB_DDB_KMS_BRIDGE_H_
#define KMSLAB_DDB_KMS_BRIDGE_H_

#include <rapidjson/document.h>

#include <map>
#include <string>

#include "core/secret_bytes.h"
#include "core/status.h"
#include "kms/call.h"
#include "kms/service.h"

namespace kmslab::ddb {

// {"aws:dynamodb:tableName": <table>, "aws:dynamodb:subscriberId": <account>}
using EncryptionContext = std::map<std::string, std::string>;
EncryptionContext TableContext(const std::string& table_name, const std::string& account);

struct KmsKey {
  std::string arn;
  std::string key_spec;  // SYMMETRIC_DEFAULT, RSA_2048, ...
  std::string state;     // Enabled, Disabled, PendingDeletion, ...
};

struct TableKey {
  core::SecretBytes plaintext;  // 32 bytes
  std::string blob;             // the KMS ciphertext DynamoDB stores
};

class KmsBridge {
 public:
  explicit KmsBridge(kms::Service* kms) : kms_(kms) {}

  // As the caller through DynamoDB.
  core::StatusOr<KmsKey> DescribeKey(const kms::CallContext& caller, const std::string& key_id) const;
  // The table's grant: grantee and retiring principal dynamodb.<region>.amazonaws.com,
  // DynamoDB's operations, EncryptionContextSubset = `context`.
  struct Grant {
    std::string id, token;
  };
  core::StatusOr<Grant> CreateTableGrant(const kms::CallContext& caller, const std::string& key_arn,
                                               const EncryptionContext& context) const;
  core::StatusOr<core::SecretBytes> Decrypt(const kms::CallContext& caller, const std::string& blob,
                                            const EncryptionContext& context) const;

  // As DynamoDB itself, in `region`, presenting `grant_token` when not empty.
  core::StatusOr<TableKey> GenerateTableKey(const std::string& region, const std::string& key_arn,
                                            const EncryptionContext& context, const std::string& grant_token) const;
  core::StatusOr<core::SecretBytes> ServiceDecrypt(const std::string& region, const std::string& blob,
                                                   const EncryptionContext& context,
                                                   const std::string& grant_token) const;
  core::Status ServiceDescribeKey(const std::string& region, const std::string& key_arn,
                                  const std::string& grant_token) const;
  core::Status RetireGrant(const std::string& region, const std::string& key_arn, const std::string& grant_id) const;

 private:
  // Runs `operation` with `body`; on success parses the reply into `reply`.
  core::Status Call(const kms::CallContext& call, std::string_view operation, const std::string& body,
                    rapidjson::Document* reply) const;

  kms::Service* kms_;
};

// The forwarded-call context: `caller`'s identity and region, a fresh request
// id, kms:ViaService dynamodb.<region>.amazonaws.com, and DynamoDB as the
// source address and user agent (as CloudTrail shows such calls).
kms::CallContext ForwardedCall(const kms::CallContext& caller);

}  // namespace kmslab::ddb

#endif  // KMSLAB_DDB_KMS_BRIDGE_H_
