// Global tables, version 2019.11.21 (docs/spec/dynamodb.md sections 8.1 and
// 8.2): a table's replicas are real tables of the same account and name in
// other Regions of this server, each under keys of its own Region.
//
// Replication: every item change of a table with replicas (item_changes.cc
// calls FollowReplicas under the table's lock) is queued, and applied to the
// other replicas after the writer released its lock (Drain: at the end of
// each request and in the due work), one replica lock at a time, sealed under
// that replica's data key, as a WriteOrigin::kReplication change that is never
// replicated again. Last writer wins by (server-clock ms, Region). A replica
// whose key DynamoDB cannot use keeps its changes queued (bounded; beyond the
// bound it is copied whole from the source once its key works again).
//
// Durability: each queued change is also a row of the store (sealed under the
// source table's data key), committed with the item write it follows and
// removed in the commit after it reached its replica; Load hands the rows
// left by the last run back, and Drain reopens them (as DynamoDB, under the
// source table's grant) and applies them when due. Last-writer-wins versions
// are memory-only: after a restart they are rebuilt from the replayed changes.
#ifndef KMSLAB_DDB_REPLICATION_H_
#define KMSLAB_DDB_REPLICATION_H_

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <atomic>
#include <climits>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "ddb/plan.h"
#include "ddb/table.h"
#include "ddb/table_settings.h"
#include "kms/call.h"
#include "store/records.h"

namespace kmslab::ddb {

class Service;
struct ItemChange;

// When a write happened, for last-writer-wins: later time wins, then the
// greater Region name.
struct WriteVersion {
  int64_t at_ms = 0;
  std::string region;
};
bool OlderThan(const WriteVersion& a, const WriteVersion& b);

// A KMS-derived error of a replica Region as DynamoDB words it
// (docs/spec/dynamodb.md section 8.2): the prefix gains "for region <r>"; a
// disabled key answers that the replica's encryption is still UPDATING.
core::Status ReplicaRegionError(const core::Status& error, const std::string& region);

// One item change on its way to one replica.
struct ReplicaChange {
  std::string account, name, target_region, source_region;
  ItemKey key;
  std::optional<std::string> item;  // the new item (JSON); nullopt: deleted
  WriteVersion version;
  int64_t due_ms = 0;
  int64_t id = 0;  // its row in the store (0: none, a copy's change)
};

// What the store keeps of a change (sealed by the caller): the new item, or
// for a deletion the old one (which names the key); and the write's version.
std::string EncodeReplicaChange(const std::optional<std::string>& item, const std::string* old_item,
                                const WriteVersion& version);
// The inverse, with the key read under `definition`; fills key, item, version.
core::Status DecodeReplicaChange(const TableDefinition& definition, const std::string& json, ReplicaChange& change);
// The AAD a stored change is sealed with.
std::string ReplicaChangeAad(int64_t id);

class Replication {
 public:
  // At most this many changes wait for one replica; beyond, the replica is
  // copied whole from the source when its key works again.
  static constexpr size_t kMaxPendingPerReplica = 10000;
  // A replica whose key failed is tried again this long after.
  static constexpr int64_t kRetryMs = 60 * 1000;
  // A replica whose keys stay unusable this long leaves its group
  // (dynamodb-data-plane.md section 8.2: 20 hours).
  static constexpr int64_t kDropInaccessibleMs = 20LL * 3600 * 1000;

  // Queues `change` of `table` for each of its replicas, appending the rows
  // that keep them in the store; returns when it is due. Requires table.mu
  // held exclusively (leaf lock inside).
  int64_t Follow(const Table& table, const ItemChange& change, int64_t delay_ms,
                 std::vector<store::DdbItemWrite>& rows);
  // The changes a previous run left in the store, reopened by the next Drain.
  void Load(std::vector<store::DdbReplicaChangeRow> rows);
  // Applies the due changes to their replicas. Call with no table lock held.
  void Drain(Service& s);
  // When queued work is next due (INT64_MAX: none).
  int64_t NextDue() const;

 private:
  int64_t NextDueLocked() const;  // requires mu_
  // Opens the loaded rows whose source table DynamoDB can use into queue_.
  void ReopenStored(Service& s, int64_t now);

 public:
  // The last write seen for an item of a table (a default version when none).
  WriteVersion VersionOf(const std::string& table_id, const std::string& canonical_key) const;
  void SetVersion(const std::string& table_id, const std::string& canonical_key, const WriteVersion& version);
  void Forget(const std::string& table_id);
  void Reset();
  // The replica (account, region, name) left its group: drops the changes
  // queued for it; returns their ids (for Done).
  std::vector<int64_t> DropTarget(const std::string& account, const std::string& region, const std::string& name);
  // A deleted replica shows ReplicaStatus DELETING until `until_ms` (memory only: a display timer).
  void MarkDeleting(const std::string& account, const std::string& region, const std::string& name,
                    int64_t until_ms);
  // The Regions of the group (account, name) whose replica is DELETING at `now_ms`.
  std::vector<std::string> DeletingRegions(const std::string& account, const std::string& name, int64_t now_ms) const;
  // Removes the rows of `ids` from the store (after the changes reached their replica or were dropped).
  static void Done(Service& s, const std::vector<int64_t>& ids);

 private:
  std::mutex drain_mu_;  // one drain at a time (taken before any table lock)
  mutable std::mutex mu_;  // a leaf lock: guards what follows
  std::deque<ReplicaChange> queue_;
  std::map<std::string, std::map<std::string, WriteVersion>> versions_;  // table id -> canonical key -> version
  std::map<std::string, int64_t> retry_ms_;  // replica index -> next try
  std::map<std::string, std::string> resync_;  // replica index -> source Region to copy from
  std::map<std::string, std::vector<int64_t>> resync_ids_;  // replica index -> rows the copy makes done
  std::vector<store::DdbReplicaChangeRow> stored_;  // loaded rows not yet reopened
  int64_t stored_retry_ms_ = INT64_MIN;  // when stored_ is tried again
  int64_t last_id_ = 0;  // the last change id handed out
  std::map<std::string, int64_t> deleting_;  // replica index -> DELETING until
  std::atomic<int64_t> next_due_{INT64_MAX};  // no drain is needed before then
};

// DynamoDB's service principal in `region`: dynamodb.<region>.amazonaws.com.
std::string DynamoDbPrincipal(const std::string& region);

// Makes the replica `target` hold the items of its group's table in
// `source_region` (last writer wins per item): puts of the source's items,
// deletes of items the source does not have. Call with no table lock held.
void CopyTable(Service& s, const std::string& account, const std::string& name, const std::string& source_region,
               Table& target);

// The hook of OnItemChanged: queues a caller's (or TTL's) change of a table
// with replicas, its rows for the store appended to `rows`. Requires table.mu held exclusively.
void FollowReplicas(Service& s, const Table& table, const ItemChange& change, std::vector<store::DdbItemWrite>& rows);

// The further authorizations of UpdateTable with ReplicaUpdates
// (dynamodb-data-plane.md section 10): a Create also needs
// dynamodb:CreateTableReplica on the table and dynamodb:CreateTable on the
// table's ARN in the replica Region; a Delete dynamodb:DeleteTableReplica and
// dynamodb:DeleteTable there. A malformed request adds none (Execute refuses it).
// [I] the resource of the *TableReplica actions and the order of the checks:
// DG/V2gt_IAM lists them among the permissions "in the destination Regions"
// without naming the ARN.
void RequireReplicaActions(const rapidjson::Value& request, const std::string& table_arn, Plan& plan);

// UpdateTable with ReplicaUpdates: one Create or Delete, or one Update
// {RegionName, KMSMasterKeyId?, TableClassOverride?}, alone in the call.
core::Status UpdateReplicas(Service& s, const kms::CallContext& call, const std::string& name,
                            const rapidjson::Value& request, rapidjson::Writer<rapidjson::StringBuffer>& out);

// What DescribeTable shows of a table's replicas. Call with no table lock held.
struct ReplicaView {
  std::string region;
  std::string status;       // ReplicaStatus
  std::string kms_key_arn;  // customer managed keys only
  TableClass table_class = TableClass::kStandard;  // ReplicaTableClassSummary, when
  int64_t table_class_set_ms = 0;                   // a TableClassOverride set it (0: never)
};
std::vector<ReplicaView> ViewReplicas(Service& s, const Table& table);
// GlobalTableVersion and Replicas, when there are any.
void WriteReplicas(rapidjson::Writer<rapidjson::StringBuffer>& out, const std::vector<ReplicaView>& replicas);
// The table's TableStatus while it is being created as a replica ("" otherwise). Requires table.mu held.
std::string ReplicaTableStatus(const Service& s, const Table& table);
// Drops `table` from its group once its keys have been unusable for
// Replication::kDropInaccessibleMs of the server clock (the table stays, on
// its own; replication stops to and from it); returns when that is next due
// (INT64_MAX: never). Call with no table lock held.
int64_t LeaveIfLongInaccessible(Service& s, Table& table, int64_t now);
// DeleteTable of a replica: the other replicas forget its Region. Call with no table lock held.
void LeaveReplicationGroup(Service& s, const Table& table, const std::vector<std::string>& regions);

}  // namespace kmslab::ddb

#endif  // KMSLAB_DDB_REPLICATION_H_
