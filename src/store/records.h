// Plain rows as the store keeps them. Key material appears only wrapped
// (sealed under the root key); the store never sees it in clear.
#ifndef KMSLAB_STORE_RECORDS_H_
#define KMSLAB_STORE_RECORDS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace kmslab::store {

// A multi-Region key's role among its related keys; kNone for single-Region keys.
enum class MultiRegionKeyType { kNone, kPrimary, kReplica };

// The role as AWS names it (MultiRegionKeyType, kms:MultiRegionKeyType): PRIMARY,
// REPLICA, or "" for kNone.
inline const char* MultiRegionKeyTypeName(MultiRegionKeyType type) {
  switch (type) {
    case MultiRegionKeyType::kPrimary:
      return "PRIMARY";
    case MultiRegionKeyType::kReplica:
      return "REPLICA";
    case MultiRegionKeyType::kNone:
      break;
  }
  return "";
}

// The inverse of MultiRegionKeyTypeName; kNone for any other text.
inline MultiRegionKeyType ParseMultiRegionKeyType(std::string_view name) {
  if (name == "PRIMARY") return MultiRegionKeyType::kPrimary;
  if (name == "REPLICA") return MultiRegionKeyType::kReplica;
  return MultiRegionKeyType::kNone;
}

// A key's KeyState. kCreating is what ReplicateKey answers for the replica it
// made; kmslab keeps no key in it, nor in kUpdating or kUnavailable, which AWS
// shows while it works or while a custom key store is disconnected.
enum class KeyState {
  kCreating, kEnabled, kDisabled, kPendingDeletion, kPendingImport, kPendingReplicaDeletion, kUnavailable, kUpdating,
};

// AWS's name of `state` (KeyState in KeyMetadata).
inline const char* KeyStateName(KeyState state) {
  switch (state) {
    case KeyState::kCreating: return "Creating";
    case KeyState::kEnabled: return "Enabled";
    case KeyState::kDisabled: return "Disabled";
    case KeyState::kPendingDeletion: return "PendingDeletion";
    case KeyState::kPendingImport: return "PendingImport";
    case KeyState::kPendingReplicaDeletion: return "PendingReplicaDeletion";
    case KeyState::kUnavailable: return "Unavailable";
    case KeyState::kUpdating: return "Updating";
  }
  return "Unavailable";
}

// The inverse of KeyStateName; nullopt for any other text.
inline std::optional<KeyState> ParseKeyState(std::string_view name) {
  for (KeyState s : {KeyState::kCreating, KeyState::kEnabled, KeyState::kDisabled, KeyState::kPendingDeletion,
                     KeyState::kPendingImport, KeyState::kPendingReplicaDeletion, KeyState::kUnavailable,
                     KeyState::kUpdating}) {
    if (name == KeyStateName(s)) return s;
  }
  return std::nullopt;
}

// A key is named by (key_id, region): related multi-Region keys share one key
// id, one key per Region.
struct KeyRow {
  std::string key_id;
  std::string arn;
  std::string account;
  std::string region;
  int64_t created_ms = 0;
  std::string description;
  KeyState state = KeyState::kEnabled;
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
  bool multi_region = false;  // true exactly when multi_region_type is not kNone
  MultiRegionKeyType multi_region_type = MultiRegionKeyType::kNone;
  std::map<std::string, std::string> tags;
};

struct MaterialRow {
  std::string key_id;
  uint32_t version = 0;  // 1, 2, ...: the blob names it
  std::string material_id;  // 64 hex characters, as AWS shows KeyMaterialId
  std::string wrapped;      // sealed under the root key; empty once imported material is deleted
  int64_t created_ms = 0;
  std::string rotation_type;  // "" for the first material, AUTOMATIC or ON_DEMAND
  // Imported material (origin EXTERNAL): KEY_MATERIAL_EXPIRES (at valid_to_ms)
  // or KEY_MATERIAL_DOES_NOT_EXPIRE; "" for material AWS_KMS made.
  std::string expiration_model;
  int64_t valid_to_ms = 0;
  std::string region;  // the key's Region: set on load; writes take it from the key row
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
  std::string region;  // with key_id, names the key
};

// A DynamoDB table of the shim. `meta` is a JSON document owned by ddb/: the
// table's definition and its keys, which appear only wrapped.
struct DdbTableRow {
  std::string table_id;  // UUID
  std::string account;
  std::string region;
  std::string name;
  int64_t created_ms = 0;
  std::string meta;
};

// One item as stored: sealed under its table's data key.
struct DdbItemRow {
  std::string row_id;
  std::string sealed;
};

// A table's item to write; an empty `sealed` deletes the row.
// A row written in the item writers' commit. Kinds other than kItem are rows
// that follow items (ddb/item_changes.h), committed in the same transaction.
struct DdbItemWrite {
  std::string table_id;
  std::string row_id;  // kStreamRecord: the stream's ARN
  std::string sealed;  // kItem: empty = delete the row
  // kHistory: the item's row as of at_ms (empty `sealed`: deleted then);
  // kHistoryTrim: drop the table's history that no restore at or after
  // at_ms needs, and keep at most kMaxDdbHistoryRows rows;
  // kStreamRecord: a stream record (row_id: the stream ARN);
  // kTableStats: the table's counts (`sealed`: JSON owned by ddb/, in clear),
  // replacing the last; ignored once the table is deleted;
  // kReplicaChange: an item change on its way to a global table's replica
  // (row_id: the replica's Region; at_ms: when it is due; seq: its id);
  // kReplicaChangeDone: the change `seq` reached its replica (forget it).
  enum class Kind { kItem, kHistory, kHistoryTrim, kStreamRecord, kTableStats, kReplicaChange, kReplicaChangeDone } kind =
      Kind::kItem;
  int64_t at_ms = 0;  // kHistory, kHistoryTrim; kStreamRecord: when it was written (for the trim)
  int64_t seq = 0;    // kStreamRecord: its sequence number; kReplicaChange(Done): the change's id
};

// A replicated item change not yet applied to its replica (ddb/replication.h),
// sealed under its source table's data key.
struct DdbReplicaChangeRow {
  int64_t seq = 0;
  std::string table_id;  // the source table
  std::string target_region;
  int64_t due_ms = 0;
  std::string sealed;
};

// A DynamoDB stream (ddb/streams.h); `meta` is JSON owned by ddb/ with the
// table's keys only wrapped.
struct DdbStreamRow {
  std::string stream_arn;
  std::string table_id;
  int64_t created_ms = 0;
  std::string meta;
};

// One stream record as stored: sealed under its table's data key.
struct DdbStreamRecordRow {
  int64_t seq = 0;
  int64_t created_ms = 0;
  std::string sealed;
};

// The bound on one table's point-in-time history rows: past it the oldest
// history is cut (and the earliest restorable time moves forward).
inline constexpr int64_t kMaxDdbHistoryRows = 1000000;

// An on-demand backup: a copy of its table's sealed items, and `meta` (JSON
// owned by ddb/) with the table's definition and the keys in force.
struct DdbBackupRow {
  std::string backup_arn;
  std::string account;
  std::string region;
  std::string table_name;
  int64_t created_ms = 0;
  std::string meta;
};

// One audit event: the columns the trail is searched by, and the event itself.
struct AuditEventRow {
  int64_t event_time = 0;  // epoch ms
  std::string request_id;
  std::string event_name;
  std::string principal;  // caller ARN, or the service
  std::string key_arn;    // first key involved, "" when none
  std::string error_code;
  std::string decision;   // Allow | ImplicitDeny | ExplicitDeny | NotEvaluated
  std::string event_json;
};

// An event to append: views of strings the caller keeps alive during Append.
struct AuditEventView {
  int64_t event_time = 0;
  std::string_view request_id, event_name, principal, key_arn, error_code, decision, event_json;
};

// A search of the trail; empty members match everything.
struct AuditFilter {
  std::string principal;   // substring of the principal
  std::string event_name;
  std::string key;         // substring of the key ARN
  std::string error_code;  // exact; "any" = every failure
  std::string decision;
  std::string request_id;
  int64_t since_ms = 0, until_ms = 0;  // 0 = open
  int64_t limit = 1000;
};

}  // namespace kmslab::store

#endif  // KMSLAB_STORE_RECORDS_H_
