// Store: kmslab's durable state in one SQLite database (WAL mode, synchronous
// FULL), its schema created and upgraded by versioned migrations
// (docs/storage-schema.md). A call that returned OK is on disk.
//
// Thread-safe: calls are serialized on one connection.
#ifndef KMSLAB_STORE_STORE_H_
#define KMSLAB_STORE_STORE_H_

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/records.h"

struct sqlite3;

namespace kmslab::store {

// The schema version this build writes; older databases are migrated up.
inline constexpr int kSchemaVersion = 9;

class Store {
 public:
  // Opens (creating if needed) the database at `path` and migrates it.
  static core::StatusOr<std::unique_ptr<Store>> Open(const std::string& path);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  int schema_version();

  // One key's row with the materials it gains (written under the key's
  // (key_id, region)); see WriteKeys.
  struct KeyWrite {
    KeyRow key;
    std::vector<MaterialRow> new_materials;
  };
  // Several keys' rows and new materials in one transaction: a multi-Region
  // change (a replica with copies of its primary's materials, a rotation
  // reaching every related key, a primary Region swap).
  core::Status WriteKeys(const std::vector<KeyWrite>& writes);
  // A new key with its first material, atomically.
  core::Status CreateKey(const KeyRow& key, const MaterialRow& material);
  // Replaces the key's row and its tags.
  core::Status UpdateKey(const KeyRow& key);
  // A rotation: the new material and the key row, atomically.
  core::Status AddMaterial(const KeyRow& key, const MaterialRow& material);
  // An import, re-import or deletion of imported material: the material
  // (replacing the row of its version, if any) and the key row, atomically.
  core::Status PutImportedMaterial(const KeyRow& key, const MaterialRow& material);
  // Removes the key and everything that hangs off it (materials, tags, aliases).
  core::Status DeleteKey(const std::string& key_id, const std::string& region);
  core::Status PutAlias(const AliasRow& alias);
  core::Status DeleteAlias(const std::string& account, const std::string& region, const std::string& name);

  core::Status PutGrant(const GrantRow& grant);
  core::Status DeleteGrant(const std::string& grant_id);

  core::StatusOr<std::vector<KeyRow>> LoadKeys();
  core::StatusOr<std::vector<GrantRow>> LoadGrants();
  core::StatusOr<std::vector<MaterialRow>> LoadMaterials();
  core::StatusOr<std::vector<AliasRow>> LoadAliases();

  // Empties every table (keys, aliases, grants, DynamoDB tables and backups).
  core::Status ResetAll();

  // DynamoDB tables (ddb_store.cc). Writers of one table's items enqueue in
  // the order they applied them, then wait: concurrent writes share one
  // commit (group commit), and a write that returned OK is on disk.
  core::Status PutDdbTable(const DdbTableRow& table);
  // Waits for the table's queued item writes, then removes it and its items.
  core::Status DeleteDdbTable(const std::string& table_id);
  core::StatusOr<std::vector<DdbTableRow>> LoadDdbTables();
  core::StatusOr<std::vector<DdbItemRow>> LoadDdbItems(const std::string& table_id);
  // Every table's stats (DdbItemWrite::Kind::kTableStats), by table_id.
  core::StatusOr<std::map<std::string, std::string>> LoadDdbTableStats();
  // A ticket for AwaitDdbWrites. Cheap; never blocks on the disk.
  uint64_t EnqueueDdbItemWrite(DdbItemWrite write);
  // The writes of one transaction, queued together: one commit holds all of
  // them (a batch is never split), so a crash keeps all or none. Returns the
  // ticket of the last; non-empty.
  uint64_t EnqueueDdbItemWrites(std::vector<DdbItemWrite> writes);
  // Returns once the write with `ticket` (and every earlier one) is committed,
  // or with the error that failed its batch.
  core::Status AwaitDdbWrites(uint64_t ticket);
  // A backup of `table_id` as of now: its row and a copy of the items.
  core::Status CreateDdbBackup(const DdbBackupRow& backup, const std::string& table_id);
  // A new table (`table`) holding a copy of the backup's items.
  core::Status RestoreDdbTable(const DdbTableRow& table, const std::string& backup_arn);
  core::Status DeleteDdbBackup(const std::string& backup_arn);
  core::StatusOr<std::vector<DdbBackupRow>> LoadDdbBackups();

  // Point-in-time history of DynamoDB items (ddb_history_store.cc). Item
  // changes arrive as DdbItemWrite rows of Kind kHistory / kHistoryTrim.
  // Starts the table's history afresh at `at_ms`: a copy of its items as of
  // now (after its queued writes) and `keys` in force from `at_ms`.
  core::Status StartDdbHistory(const std::string& table_id, int64_t at_ms, const std::string& keys);
  // Forgets the table's history.
  core::Status StopDdbHistory(const std::string& table_id);
  // Keys in force from `from_ms` on (a key switch).
  core::Status PutDdbKeyHistory(const std::string& table_id, int64_t from_ms, const std::string& keys);
  // The keys in force at `at_ms` (the latest from_ms <= at_ms); NotFound if none.
  core::StatusOr<std::string> DdbKeysAt(const std::string& table_id, int64_t at_ms);
  // The earliest time the history still holds exactly (0 = since it started).
  core::StatusOr<int64_t> DdbHistoryFloor(const std::string& table_id);
  // The table's item rows as they were at `at_ms` (after its queued writes).
  core::StatusOr<std::vector<DdbItemRow>> LoadDdbItemsAt(const std::string& table_id, int64_t at_ms);
  // A new table holding `items`, atomically.
  core::Status CreateDdbTableWithItems(const DdbTableRow& table, const std::vector<DdbItemRow>& items);
  // DynamoDB streams (ddb_stream_store.cc). Records are written with their
  // items (DdbItemWrite::Kind::kStreamRecord).
  core::Status PutDdbStream(const DdbStreamRow& stream);
  // Removes the stream and its records.
  core::Status DeleteDdbStream(const std::string& stream_arn);
  core::StatusOr<std::vector<DdbStreamRow>> LoadDdbStreams();
  // The stream's records in sequence order (waits for queued writes).
  core::StatusOr<std::vector<DdbStreamRecordRow>> LoadDdbStreamRecords(const std::string& stream_arn);
  // The highest sequence number ever stored (0 when none).
  core::StatusOr<int64_t> MaxDdbStreamSeq();
  // Deletes the stream's records written at or before `cutoff_ms`; returns
  // the highest sequence number deleted (0 when none) and sets `oldest_ms` to
  // the oldest record left (0 when none).
  core::StatusOr<int64_t> TrimDdbStreamRecords(const std::string& stream_arn, int64_t cutoff_ms, int64_t* oldest_ms);
  // Global tables' queued replica changes (ddb_replica_store.cc), written by
  // the item writers' commit (DdbItemWrite::Kind::kReplicaChange / Done).
  // Every change not yet done, in id order (waits for queued writes).
  core::StatusOr<std::vector<DdbReplicaChangeRow>> LoadDdbReplicaChanges();

 private:
  explicit Store(sqlite3* db) : db_(db) {}
  core::Status Exec(const char* sql);
  core::Status Migrate();
  core::Status WriteKey(const KeyRow& key);
  // `replace`: overwrite the row of the same version instead of failing.
  core::Status WriteMaterial(const KeyRow& key, const MaterialRow& material, bool replace = false);

  // Waits until every item write enqueued so far is committed.
  core::Status FlushDdbWrites();
  // A new ddb_tables row (inside a transaction).
  core::Status InsertDdbTable(const DdbTableRow& table);
  // A history row of the item writers' commit (inside its transaction).
  core::Status WriteDdbHistoryRow(const DdbItemWrite& write);
  // A replica change row of the item writers' commit (inside its transaction).
  core::Status WriteDdbReplicaChangeRow(const DdbItemWrite& write);

  std::mutex mu_;
  sqlite3* db_;

  // The group commit of item writes: a waiter finding no commit running
  // becomes the leader, takes the whole queue and commits it in one transaction.
  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::vector<DdbItemWrite> queue_;
  uint64_t enqueued_ = 0;     // tickets handed out
  uint64_t durable_ = 0;      // every ticket up to here has been attempted
  bool committing_ = false;
  uint64_t failed_from_ = 0, failed_to_ = 0;  // the last failed batch's tickets
  core::Status failed_status_;
};


}  // namespace kmslab::store

#endif  // KMSLAB_STORE_STORE_H_
