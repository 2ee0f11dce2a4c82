// Table: one DynamoDB table of the shim, in memory. Its definition is fixed
// at creation; its keys, SSE state and items change under `mu`.
//
// How items are protected (docs/storage-schema.md): each table has a random
// data key; items are sealed under it (AES-256-GCM) before they reach the
// store. The data key is sealed under the table key, and the table key is a
// KMS data key of the table's KMS key (or, for the AWS owned key, a key sealed
// under kmslab's owned-key secret). So reading a KMS table needs KMS Decrypt.
//
// Thread-safety: the public const members never change; everything else is
// guarded by the mutex named beside it.
#ifndef KMSLAB_DDB_TABLE_H_
#define KMSLAB_DDB_TABLE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <rapidjson/document.h>

#include "core/secret_bytes.h"
#include "core/status.h"
#include "ddb/table_settings.h"
#include "ddb/ttl.h"
#include "ddb/index_schema.h"
#include "kms/call.h"

namespace kmslab::policy {
class Policy;
}  // namespace kmslab::policy

namespace kmslab::ddb {

struct AttributeDefinition {
  std::string name;
  std::string type;  // S | N | B
};

struct TableDefinition {
  std::vector<AttributeDefinition> attributes;
  std::string hash_name;
  std::string range_name;    // empty when the table has no sort key
  std::string billing_mode;  // PAY_PER_REQUEST | PROVISIONED
  int64_t read_capacity = 0;
  int64_t write_capacity = 0;

  // The declared type of a key attribute.
  std::string TypeOf(const std::string& name) const;
};

// The keys a table's items hang from. `kms_key_arn` empty = the AWS owned key.
struct TableKeys {
  std::string kms_key_arn;
  std::string grant_id;         // DynamoDB's grant on the KMS key
  // The grant's token (in memory only, never stored): DynamoDB presents it so
  // its grant works before it is consistent (--grant-delay).
  std::string grant_token;
  std::string table_key_blob;   // KMS ciphertext of the table key (owned: sealed under the owned-key secret)
  std::string sealed_data_key;  // the data key, sealed under the table key
};

// An UpdateTable moving the table to `target`: SSEDescription is UPDATING
// until `completes_ms`, and the old keys stay in force until then.
struct KeySwitch {
  TableKeys target;
  int64_t completes_ms = 0;
  // Who asked for it (kept in memory only): the old table key is opened on
  // their behalf when the switch completes; after a restart, as DynamoDB.
  std::optional<kms::CallContext> requester;
  std::string requested_key_id;  // as the request named the key (in memory only)
};

// A sort key value, ordered as DynamoDB orders them (N numerically).
struct SortKey {
  char type = 0;      // 0 when the table has no sort key; else 'S', 'N' or 'B'
  std::string value;  // S: the text; N: the number as written; B: the decoded bytes
};
struct SortKeyLess {
  bool operator()(const SortKey& a, const SortKey& b) const;
};
// The sort key of a scalar S, N or B AttributeValue.
SortKey SortKeyOf(const rapidjson::Value& av);
// Items of one partition by sort key; each item is its AttributeValue map as JSON.
using Partition = std::map<SortKey, std::string, SortKeyLess>;

// Where an item lives: its partition key bytes, its sort key, and the
// canonical bytes of both (for the row id).
struct ItemKey {
  std::string partition;
  SortKey sort;
  std::string canonical;
};
// The key of `item` (an item or a Key map) under `definition`. Precondition:
// its key attributes are present with their declared scalar types.
ItemKey KeyOf(const TableDefinition& definition, const rapidjson::Value& item);

// Point-in-time recovery (item_history.h): on since `enabled_ms`, restorable
// back `period_days` days.
struct PitrState {
  bool enabled = false;
  int64_t period_days = 35;
  int64_t enabled_ms = 0;
  int64_t changes_since_trim = 0;  // in memory only: history rows since the last trim
};

// A resource-based policy as PutResourcePolicy left it (resource_policies.h).
struct ResourcePolicySlot {
  std::string text;         // the document, minified; "" when there is none
  std::string revision_id;  // the policy's RevisionId, or its deletion's when `text` is ""; "" = never had one
  std::shared_ptr<const policy::Policy> parsed;  // `text` parsed (in memory only); null when there is none
};

// DynamoDB Streams (streams.h): the table's stream setting and its newest stream.
enum class StreamViewType { kKeysOnly, kNewImage, kOldImage, kNewAndOldImages };
struct TableStream {
  bool enabled = false;
  StreamViewType view_type = StreamViewType::kKeysOnly;
  std::string latest_label;  // "" = the table never had a stream
};

// The mutable state that the store keeps in ddb_tables.meta.
struct TableState {
  TableKeys keys;
  std::optional<KeySwitch> key_switch;
  int64_t inaccessible_ms = 0;   // when the key check found the keys unusable; 0 = accessible
  std::string inaccessible_type;  // the DynamoDB error type and message found then
  std::string inaccessible_message;
  int64_t next_check_ms = 0;  // the next background key check (KMS tables)
  std::vector<int64_t> sse_changes_ms;  // SSE changes in the last 24 hours, for the quota
  TimeToLive ttl;
  TableSettings settings;
  PitrState pitr;
  // Resource-based policies: the table's (covering its indexes), and its streams' by stream label.
  ResourcePolicySlot resource_policy;
  std::map<std::string, ResourcePolicySlot> stream_policies;
  // The secondary indexes (null: none), replaced whole with mu held
  // exclusively and Table::index_mu held: readers hold either (IndexesOf).
  IndexList indexes;
  TableStream stream;
  // Global tables (ddb/replication.h): the other Regions of the table's
  // replication group, and when this table's own creation as a replica
  // completes (0: not created as a replica).
  std::vector<std::string> replica_regions;
  int64_t replica_ready_ms = 0;
};

// An index's ItemCount and IndexSizeBytes (table_stats.h).
struct IndexCounts {
  int64_t item_count = 0;
  int64_t size_bytes = 0;
};

class Table {
 public:
  Table(std::string table_id, std::string account, std::string region, std::string name, int64_t created_ms,
        TableDefinition definition);

  const std::string table_id, account, region, name, arn;
  const int64_t created_ms;
  const TableDefinition definition;

  mutable std::shared_mutex mu;
  TableState state;  // guarded by mu
  bool deleted = false;  // guarded by mu: set once DeleteTable removed it
  // Guarded by mu. The items, loaded from the store (and unsealed) on first
  // access, by partition key bytes.
  bool loaded = false;
  core::SecretBytes data_key;
  std::map<std::string, Partition> partitions;
  int64_t item_count = 0;
  int64_t size_bytes = 0;
  // Guarded by mu. The indexes' counts as stored (table_stats.h), shown
  // until the items are loaded; by index name.
  std::map<std::string, IndexCounts> stored_index_counts;

  // Secondary indexes (indexes.h): the lock that, with mu, guards
  // state.indexes, and their entries, in memory only, guarded by mu.
  mutable std::mutex index_mu;
  std::shared_ptr<struct IndexEntries> index_entries;

  // Who may use the table key until when: principal ARN -> server-clock ms.
  std::mutex cache_mu;
  std::unordered_map<std::string, int64_t> access_until;  // guarded by cache_mu
  // Held while KMS is asked for the table key, so concurrent misses make one call.
  std::mutex refresh_mu;
};

// The JSON kept in ddb_tables.meta: definition and state.
std::string EncodeTableMeta(const TableDefinition& definition, const TableState& state);
core::Status DecodeTableMeta(const std::string& json, TableDefinition* definition, TableState* state);

}  // namespace kmslab::ddb

#endif  // KMSLAB_DDB_TABLE_H_
