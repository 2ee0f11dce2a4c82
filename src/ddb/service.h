// Service: the DynamoDB-facing shim (DynamoDB_20120810.<Operation>, JSON 1.0).
// Tables, items and backups, encrypted at rest the way DynamoDB does it, with
// every KMS call made in-process through kms::Service (kms_bridge.h) and every
// dynamodb:<Action> authorized by the same policy engine.
//
// Thread-safe: any number of requests may run at once.
#ifndef KMSLAB_DDB_SERVICE_H_
#define KMSLAB_DDB_SERVICE_H_

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/secret_bytes.h"
#include "core/status.h"
#include "ddb/kms_bridge.h"
#include "ddb/plan.h"
#include "ddb/replication.h"
#include "ddb/table.h"
#include "ddb/transaction_tokens.h"
#include "kms/call.h"
#include "kms/service.h"
#include "store/store.h"

namespace kmslab::ddb {

// Timings AWS does not document (docs/spec/dynamodb-sse.md section 7); seconds of the server clock.
struct Options {
  int64_t key_cache_seconds = 300;      // a caller's table key is refreshed from KMS this often
  int64_t detection_seconds = 900;      // key check of an accessible table
  int64_t recovery_seconds = 1200;      // key check of an inaccessible table
  int64_t sse_update_seconds = 22;      // SSEDescription stays UPDATING this long after a key switch
  int64_t replica_create_seconds = 2;   // a new global-table replica is CREATING this long (section 13.6)
  int64_t replication_delay_seconds = 0;  // changes reach the other replicas after this (0: by the reply)
  // UpdateContinuousBackups fails with ContinuousBackupsUnavailableException
  // this long after CreateTable (or a restore) made the table (AWS: while a new
  // table's backups are being set up; the length is kmslab's).
  int64_t pitr_setup_seconds = 5;
  // Item calls (CloudTrail data events) in the trail too; AWS logs them only
  // when a trail selects them (docs/spec/dynamodb.md section 13, default 10).
  bool data_events = false;
  // PutItem, UpdateItem and DeleteItem prefix request-validation errors with
  // "1 validation error detected: ", as DynamoDB has since mid-2026
  // (docs/spec/dynamodb.md section 0, default 13.1); false: the bare texts.
  bool validation_envelope = true;
  // Time to Live (ttl.h; docs/spec/dynamodb.md section 13, default 4): the
  // sweep period, how long TTL deletes go on after the sweeper's key check
  // first fails, and the cooldown between two UpdateTimeToLive changes.
  int64_t ttl_sweep_seconds = 60;
  int64_t ttl_grace_seconds = 1800;
  int64_t ttl_cooldown_seconds = 1860;
  // Online GSI changes (docs/spec/dynamodb.md section 13.5), server-clock ms:
  // resource allocation (table UPDATING), backfilling, deletion, throughput update.
  int64_t index_allocation_ms = 1000;
  int64_t index_backfill_ms = 2000;
  int64_t index_delete_ms = 500;
  int64_t index_update_ms = 1000;
  // DynamoDB Streams (docs/spec/dynamodb.md sections 6.1, 6.4 and 13.3):
  // records and closed streams are kept this long; with the switch on, records
  // in memory stay readable while the table's key is unusable. A new stream is
  // ENABLING, a closed one DISABLING, for stream_transition_seconds (AWS:
  // about 4-6 s).
  int64_t stream_retention_seconds = 86400;
  int64_t stream_transition_seconds = 5;
  bool streams_readable_while_key_unusable = false;
};

// USER: CreateBackup's; SYSTEM: the one DeleteTable leaves of a table with
// point-in-time recovery (item_history.h), kept 35 days.
enum class BackupType { kUser, kSystem };

class Streams;

// The API a request came in on, by its X-Amz-Target prefix.
enum class Api { kDynamoDb, kStreams };

// An on-demand backup: the table as it was, and the keys in force then.
struct Backup {
  std::string arn, name, account, region;
  std::string table_name, table_id, table_arn;
  int64_t created_ms = 0;
  int64_t table_created_ms = 0;
  int64_t item_count = 0, size_bytes = 0;
  TableDefinition definition;
  TableKeys keys;
  BackupType type = BackupType::kUser;
  IndexList indexes;  // the table's settled indexes (indexes.h SettledIndexes)
};

struct Reply {
  core::Status status;  // carries the DynamoDB error code when not OK
  std::string body;
};

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// What SSESpecification (or its restore override) asks for.
struct SseChoice {
  enum Kind { kOwned, kKms } kind = kOwned;
  std::string key_id;  // for kKms: as given; alias/aws/dynamodb when none was
};

class Service {
 public:
  // `owned_key` (32 bytes) seals the table keys of tables under the AWS owned key.
  Service(store::Store* store, kms::Service* kms, const core::Clock* clock, core::SecretBytes owned_key,
          Options options = {});

  // Loads tables and backups from the store. Items load on first access.
  core::Status Load();

  // Forgets every table and backup (the store is emptied by the caller).
  void Reset();

  // Handles `DynamoDB_20120810.<operation>` with the raw JSON request `body`,
  // then hands the call to KMS's audit stage as a DynamoDB trail event (item
  // calls only with Options::data_events), whatever its outcome.
  // `api` kStreams: DynamoDBStreams_20120810.<operation>, through the same pipeline.
  Reply Handle(std::string_view operation, std::string_view body, const kms::CallContext& call,
               Api api = Api::kDynamoDb);

  // The address DescribeEndpoints answers (host:port); set once before the
  // server takes requests. Empty: DynamoDB's own name for the Region.
  void SetEndpoint(std::string address) { endpoint_ = std::move(address); }
  const std::string& endpoint() const { return endpoint_; }

  // --- for the operation files (ops/) ---
  int64_t NowMillis() const { return clock_->NowMillis(); }
  const Options& options() const { return options_; }
  store::Store& store() { return *store_; }
  TransactionTokens& transaction_tokens() { return transaction_tokens_; }
  Streams& streams() { return *streams_; }
  Replication& replication() { return replication_; }

  // Every check of `plan` for the caller (identity policies, and the resource-based
  // policy of a table or stream the check names: resource_policies.h), in order,
  // up to the first refused; what decided goes to plan.outcomes when it records them.
  core::Status Authorize(const kms::CallContext& call, Plan& plan) const;
  std::string TableArn(const kms::CallContext& call, const std::string& name) const;
  // The caller's table, or null.
  std::shared_ptr<Table> FindTable(const kms::CallContext& call, const std::string& name) const;
  // The table `name` of `account` in `region` (a table named by ARN, a global table's replica), or null.
  std::shared_ptr<Table> FindTableIn(const std::string& account, const std::string& region,
                                     const std::string& name) const;
  // The table with `table_id` (a global table's replication, replaying a stored change), or null.
  std::shared_ptr<Table> FindTableById(const std::string& table_id) const;
  // Whether `check` would be allowed for the caller, recording nothing (a what-if: a lockout check).
  bool Allows(const kms::CallContext& call, const kms::AuthzCheck& check) const;
  std::vector<std::shared_ptr<Table>> ListTables(const kms::CallContext& call) const;
  // DynamoDB's own access to a replica's items, under its grant, cached as
  // dynamodb.<region>.amazonaws.com for key_cache_seconds (replication.cc).
  core::Status OpenTableForService(Table& table);
  // Whether `key_arn` in `region` is an AWS managed key (aws/dynamodb).
  bool IsAwsManagedKey(const std::string& region, const std::string& key_arn) const;
  // Registers a new table; TableAlreadyExists / ResourceInUse if the name is taken.
  core::Status AddTable(const std::shared_ptr<Table>& table);
  void RemoveTable(const Table& table);
  std::shared_ptr<const Backup> FindBackup(const std::string& arn) const;
  std::vector<std::shared_ptr<const Backup>> ListBackups(const kms::CallContext& call) const;
  void PutBackup(std::shared_ptr<const Backup> backup);
  void RemoveBackup(const std::string& arn);

  // --- table keys (table_keys.cc) ---
  // Sets up keys for table `table_name` as `choice` asks: for KMS, DescribeKey and
  // CreateGrant as the caller and GenerateDataKey as DynamoDB; `data_key`, when
  // given, sealed under the new table key (a key switch seals it when it completes).
  core::StatusOr<TableKeys> NewTableKeys(const kms::CallContext& call, const std::string& table_name,
                                         const SseChoice& choice, const core::SecretBytes* data_key) const;
  // The table key of `keys`: Decrypt as `call` (through DynamoDB) or, with a
  // null `call`, as DynamoDB under its grant; owned keys unseal locally.
  core::StatusOr<core::SecretBytes> OpenTableKey(const kms::CallContext* call, const std::string& table_name,
                                                 const std::string& account, const std::string& region,
                                                 const TableKeys& keys) const;
  // The data key sealed in `keys`, opened with their table key.
  static core::StatusOr<core::SecretBytes> UnsealDataKey(const core::SecretBytes& table_key, const TableKeys& keys);
  // Before any item access: the caller's cached right to the table key, or a
  // fresh one from KMS (at most one refresh per table and caller per
  // key_cache_seconds); loads the items on first use. DynamoDB's errors on failure.
  core::Status OpenTable(const kms::CallContext& call, Table& table);
  // Persists the table's definition and state. Requires table.mu held.
  core::Status SaveTable(const Table& table);
  // Makes RunDueWork look at the tables again no later than `at_ms`.
  void ScheduleWork(int64_t at_ms);
  // Retires DynamoDB's grant on `keys`, if they are KMS keys (best effort: a
  // key that is gone keeps nothing to retire).
  void RetireGrant(const std::string& region, const TableKeys& keys) const;
  // The same for the table's keys and those of a switch in progress.
  void RetireTableGrants(const Table& table) const;

  // Items (sealing is keyed by the data key; requires table.mu held).
  static std::string RowId(const Table& table, const std::string& item_key_bytes);
  static core::StatusOr<std::string> SealItem(const Table& table, const std::string& row_id, const std::string& json);

 private:
  // Decodes `body` into `request` and runs the operation under `plan`.
  Reply Run(std::string_view operation, std::string_view body, const kms::CallContext& call,
            rapidjson::Document& request, Plan& plan, Api api);
  // Key checks and key switches that are due, as of now. Cheap when none is.
  void RunDueWork();
  void CheckTableKeys(Table& table, int64_t now);
  void CompleteKeySwitch(Table& table, int64_t now);
  // Deletes the table's expired items if its TTL sweep is due (ttl_sweep.cc);
  // returns when the next sweep is due (INT64_MAX: TTL is off).
  int64_t SweepTimeToLive(Table& table, int64_t now);
  core::Status LoadItems(Table& table, core::SecretBytes data_key);
  // OpenTable for `call`, or for DynamoDB under its grant when null; cached as `who`.
  core::Status OpenTableAs(const kms::CallContext* call, const std::string& who, Table& table);
  static std::string TableIndex(const std::string& account, const std::string& region, const std::string& name);

  store::Store* store_;
  kms::Service* kms_service_;
  KmsBridge bridge_;
  const core::Clock* clock_;
  const core::SecretBytes owned_key_;
  const Options options_;

  mutable std::shared_mutex mu_;  // guards the maps
  std::map<std::string, std::shared_ptr<Table>> tables_;  // by TableIndex
  std::map<std::string, std::shared_ptr<const Backup>> backups_;  // by ARN
  std::atomic<int64_t> next_due_ms_{0};
  std::mutex due_mu_;  // one RunDueWork pass at a time
  TransactionTokens transaction_tokens_;
  std::string endpoint_;
  std::shared_ptr<Streams> streams_;  // streams.h
  Replication replication_;
};

// Helpers shared by the operation files.
// The string member `name`, or null when absent; SerializationException-worthy types are the caller's check.
const rapidjson::Value* FindMember(const rapidjson::Value& object, const char* name);
// Reads SSESpecification (or SSESpecificationOverride) with AWS's validation texts.
// `path` names the member in messages: sSESpecification or sSESpecificationOverride.
core::StatusOr<SseChoice> ReadSseSpecification(const rapidjson::Value& spec, std::string_view path);
// A table as DescribeTable shows it, with `status` as TableStatus ("" = the
// table's own: ACTIVE or INACCESSIBLE_ENCRYPTION_CREDENTIALS). Requires table.mu held.
// `extra` writes further members (RestoreSummary).
void WriteTableDescription(JsonWriter& out, const Table& table, std::string_view status,
                           const std::function<void(JsonWriter&)>& extra = nullptr);
void WriteKeySchema(JsonWriter& out, const TableDefinition& definition);
// SSEDescription for `keys` (and a switch in progress), if the table has one.
void WriteSseDescription(JsonWriter& out, const TableState& state);
// TableClassSummary (when a class was ever set) and WarmThroughput.
void WriteSettingsDescription(JsonWriter& out, const TableSettings& settings);
// WarmThroughput as AWS shows a new table's or index's: 12000 / 4000 units per second.
void WriteWarmThroughput(JsonWriter& out, std::string_view status);
// Epoch seconds, as DynamoDB's JSON numbers.
void WriteTime(JsonWriter& out, int64_t ms);
// The backup's row in the store, and back.
store::DdbBackupRow EncodeBackup(const Backup& backup);
core::StatusOr<Backup> DecodeBackup(const store::DdbBackupRow& row);

}  // namespace kmslab::ddb

#endif  // KMSLAB_DDB_SERVICE_H_
