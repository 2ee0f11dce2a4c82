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
#include "ddb/table.h"
#include "kms/call.h"

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
};

class Replication {
 public:
  // At most this many changes wait for one replica; beyond, the replica is
  // copied whole from the source when its key works again.
  static constexpr size_t kMaxPendingPerReplica = 10000;
  // A replica whose key failed is tried again this long after.
  static constexpr int64_t kRetryMs = 60 * 1000;

  // Queues `change` of `table` for each of its replicas; returns when it is
  // due. Requires table.mu held exclusively (leaf lock inside).
  int64_t Follow(const Table& table, const ItemChange& change, int64_t delay_ms);
  // Applies the due changes to their replicas. Call with no table lock held.
  void Drain(Service& s);
  // When queued work is next due (INT64_MAX: none).
  int64_t NextDue() const;

 private:
  int64_t NextDueLocked() const;  // requires mu_

 public:
  // The last write seen for an item of a table (a default version when none).
  WriteVersion VersionOf(const std::string& table_id, const std::string& canonical_key) const;
  void SetVersion(const std::string& table_id, const std::string& canonical_key, const WriteVersion& version);
  void Forget(const std::string& table_id);
  void Reset();

 private:
  std::mutex drain_mu_;  // one drain at a time (taken before any table lock)
  mutable std::mutex mu_;  // a leaf lock: guards what follows
  std::deque<ReplicaChange> queue_;
  std::map<std::string, std::map<std::string, WriteVersion>> versions_;  // table id -> canonical key -> version
  std::map<std::string, int64_t> retry_ms_;  // replica index -> next try
  std::map<std::string, std::string> resync_;  // replica index -> source Region to copy from
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
// with replicas. Requires table.mu held exclusively.
void FollowReplicas(Service& s, const Table& table, const ItemChange& change);

// UpdateTable with ReplicaUpdates: one Create or Delete, alone in the call.
core::Status UpdateReplicas(Service& s, const kms::CallContext& call, const std::string& name,
                            const rapidjson::Value& request, rapidjson::Writer<rapidjson::StringBuffer>& out);

// What DescribeTable shows of a table's replicas. Call with no table lock held.
struct ReplicaView {
  std::string region;
  std::string status;       // ReplicaStatus
  std::string kms_key_arn;  // customer managed keys only
};
std::vector<ReplicaView> ViewReplicas(Service& s, const Table& table);
// GlobalTableVersion and Replicas, when there are any.
void WriteReplicas(rapidjson::Writer<rapidjson::StringBuffer>& out, const std::vector<ReplicaView>& replicas);
// The table's TableStatus while it is being created as a replica ("" otherwise). Requires table.mu held.
std::string ReplicaTableStatus(const Service& s, const Table& table);
// DeleteTable of a replica: the other replicas forget its Region. Call with no table lock held.
void LeaveReplicationGroup(Service& s, const Table& table, const std::vector<std::string>& regions);

}  // namespace kmslab::ddb

#endif  // KMSLAB_DDB_REPLICATION_H_
