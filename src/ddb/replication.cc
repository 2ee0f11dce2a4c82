#include "ddb/replication.h"

#include <algorithm>
#include <climits>
#include <mutex>

#include "ddb/errors.h"
#include "ddb/item_changes.h"
#include "ddb/ops/item_common.h"
#include "ddb/service.h"
#include "kms/key_registry.h"

namespace kmslab::ddb {

namespace {

std::string ReplicaIndex(const std::string& account, const std::string& region, const std::string& name) {
  return account + "|" + region + "|" + name;
}

// The items of a table (requires table.mu held), with their keys.
struct ItemCopy {
  ItemKey key;
  std::string item;
};
std::vector<ItemCopy> CopyItems(const Table& t) {
  std::vector<ItemCopy> items;
  items.reserve(static_cast<size_t>(std::max<int64_t>(t.item_count, 0)));
  for (const auto& [partition, items_of] : t.partitions) {
    for (const auto& [sort, json] : items_of) {
      rapidjson::Document doc;
      doc.Parse(json.data(), json.size());
      if (doc.HasParseError() || !doc.IsObject()) continue;
      items.push_back({KeyOf(t.definition, doc), json});
    }
  }
  return items;
}

// Applies `changes` to the replica `t` in order, each only if it is not older
// than the item's last write there. Requires t loaded; no table lock held.
void ApplyChanges(Service& s, Table& t, const std::vector<ReplicaChange>& changes) {
  std::vector<uint64_t> tickets;
  {
    std::unique_lock<std::shared_mutex> lock(t.mu);
    if (t.deleted || !t.loaded) return;
    for (const ReplicaChange& c : changes) {
      if (OlderThan(c.version, s.replication().VersionOf(t.table_id, c.key.canonical))) continue;
      const std::string* stored = ops::FindItem(t, c.key);
      if (stored || c.item) {
        const int64_t delta = ops::StoredSize(c.item ? &*c.item : nullptr) - ops::StoredSize(stored);
        auto ticket = ops::ApplyWrite(s, t, c.key, c.item.value_or(""), delta, WriteOrigin::kReplication);
        if (!ticket.ok()) continue;
        tickets.push_back(*ticket);
      }
      s.replication().SetVersion(t.table_id, c.key.canonical, c.version);
    }
  }
  for (uint64_t ticket : tickets) (void)ops::AwaitWrite(s, ticket);
}

}  // namespace

std::string DynamoDbPrincipal(const std::string& region) { return "dynamodb." + region + ".amazonaws.com"; }

void CopyTable(Service& s, const std::string& account, const std::string& name, const std::string& source_region,
               Table& target) {
  std::shared_ptr<Table> source = s.FindTableIn(account, source_region, name);
  if (!source || !s.OpenTableForService(*source).ok()) return;
  std::vector<ReplicaChange> changes;
  std::vector<ItemCopy> items;
  {
    std::shared_lock<std::shared_mutex> lock(source->mu);
    if (source->deleted) return;
    items = CopyItems(*source);
  }
  std::map<std::string, bool> in_source;
  for (ItemCopy& i : items) {
    in_source[i.key.canonical] = true;
    WriteVersion version = s.replication().VersionOf(source->table_id, i.key.canonical);
    changes.push_back({account, name, target.region, source_region, std::move(i.key), std::move(i.item),
                       std::move(version), 0});
  }
  {
    std::shared_lock<std::shared_mutex> lock(target.mu);
    for (const ItemCopy& i : CopyItems(target)) {
      if (in_source.count(i.key.canonical)) continue;
      changes.push_back({account, name, target.region, source_region, i.key, std::nullopt,
                         s.replication().VersionOf(source->table_id, i.key.canonical), 0});
    }
  }
  ApplyChanges(s, target, changes);
}

bool OlderThan(const WriteVersion& a, const WriteVersion& b) {
  return a.at_ms != b.at_ms ? a.at_ms < b.at_ms : a.region < b.region;
}

int64_t Replication::Follow(const Table& t, const ItemChange& change, int64_t delay_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  // A local write is newer than anything the item saw before.
  WriteVersion& version = versions_[t.table_id][change.key.canonical];
  WriteVersion next{change.at_ms, t.region};
  if (OlderThan(next, version)) next.at_ms = version.at_ms + 1;
  version = next;
  const int64_t due = change.at_ms + delay_ms;
  for (const std::string& region : t.state.replica_regions) {
    const std::string index = ReplicaIndex(t.account, region, t.name);
    if (resync_.count(index)) continue;  // copied whole once its key works
    const size_t pending = static_cast<size_t>(std::count_if(
        queue_.begin(), queue_.end(), [&](const ReplicaChange& c) { return c.target_region == region && c.name == t.name && c.account == t.account; }));
    if (pending >= kMaxPendingPerReplica) {
      std::erase_if(queue_, [&](const ReplicaChange& c) {
        return c.target_region == region && c.name == t.name && c.account == t.account;
      });
      resync_[index] = t.region;
      continue;
    }
    queue_.push_back({t.account, t.name, region, t.region, change.key,
                      change.new_item ? std::optional<std::string>(*change.new_item) : std::nullopt, next, due});
  }
  next_due_ = std::min(next_due_.load(), due);
  return due;
}

void Replication::Drain(Service& s) {
  if (s.NowMillis() < next_due_.load()) return;  // nothing queued is due: the common case
  std::lock_guard<std::mutex> one_at_a_time(drain_mu_);
  const int64_t now = s.NowMillis();
  std::map<std::string, std::vector<ReplicaChange>> due;  // by replica index, in queue order
  std::map<std::string, std::string> resync;
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::deque<ReplicaChange> later;
    for (ReplicaChange& c : queue_) {
      const std::string index = ReplicaIndex(c.account, c.target_region, c.name);
      auto retry = retry_ms_.find(index);
      if (c.due_ms <= now && (retry == retry_ms_.end() || retry->second <= now)) {
        due[index].push_back(std::move(c));
      } else {
        later.push_back(std::move(c));
      }
    }
    queue_ = std::move(later);
    for (const auto& [index, source_region] : resync_) {
      auto retry = retry_ms_.find(index);
      if (retry == retry_ms_.end() || retry->second <= now) resync[index] = source_region;
    }
  }
  auto target_of = [&](const std::string& index) -> std::shared_ptr<Table> {
    const size_t a = index.find('|'), b = index.find('|', a + 1);
    return s.FindTableIn(index.substr(0, a), index.substr(a + 1, b - a - 1), index.substr(b + 1));
  };
  // Replicas to copy whole, once their keys work.
  for (const auto& [index, source_region] : resync) {
    std::shared_ptr<Table> target = target_of(index);
    if (target && !s.OpenTableForService(*target).ok()) {
      std::lock_guard<std::mutex> lock(mu_);
      retry_ms_[index] = now + kRetryMs;
      s.ScheduleWork(now + kRetryMs);
      continue;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      resync_.erase(index);
      retry_ms_.erase(index);
    }
    if (target) CopyTable(s, target->account, target->name, source_region, *target);
  }
  for (auto& [index, changes] : due) {
    std::shared_ptr<Table> target = target_of(index);
    if (!target) continue;  // the replica is gone: nothing to apply
    if (!s.OpenTableForService(*target).ok()) {
      // DynamoDB cannot use the replica's key: keep the changes, try later.
      std::lock_guard<std::mutex> lock(mu_);
      retry_ms_[index] = now + kRetryMs;
      queue_.insert(queue_.begin(), std::make_move_iterator(changes.begin()), std::make_move_iterator(changes.end()));
      s.ScheduleWork(now + kRetryMs);
      continue;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      retry_ms_.erase(index);
    }
    ApplyChanges(s, *target, changes);
  }
  std::lock_guard<std::mutex> lock(mu_);
  next_due_ = NextDueLocked();
}

int64_t Replication::NextDue() const {
  std::lock_guard<std::mutex> lock(mu_);
  return NextDueLocked();
}

int64_t Replication::NextDueLocked() const {
  int64_t next = INT64_MAX;
  for (const auto& [index, source_region] : resync_) {
    auto retry = retry_ms_.find(index);
    next = std::min(next, retry == retry_ms_.end() ? INT64_MIN : retry->second);
  }
  for (const ReplicaChange& c : queue_) {
    // A change for a replica whose key failed waits for the retry.
    auto retry = retry_ms_.find(ReplicaIndex(c.account, c.target_region, c.name));
    next = std::min(next, std::max(c.due_ms, retry == retry_ms_.end() ? INT64_MIN : retry->second));
  }
  return next;
}

WriteVersion Replication::VersionOf(const std::string& table_id, const std::string& canonical_key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto table = versions_.find(table_id);
  if (table == versions_.end()) return {};
  auto it = table->second.find(canonical_key);
  return it == table->second.end() ? WriteVersion{} : it->second;
}

void Replication::SetVersion(const std::string& table_id, const std::string& canonical_key,
                             const WriteVersion& version) {
  std::lock_guard<std::mutex> lock(mu_);
  versions_[table_id][canonical_key] = version;
}

void Replication::Forget(const std::string& table_id) {
  std::lock_guard<std::mutex> lock(mu_);
  versions_.erase(table_id);
}

void Replication::Reset() {
  std::lock_guard<std::mutex> drain(drain_mu_);
  std::lock_guard<std::mutex> lock(mu_);
  queue_.clear();
  versions_.clear();
  retry_ms_.clear();
  resync_.clear();
  next_due_ = INT64_MAX;
}

void FollowReplicas(Service& s, const Table& table, const ItemChange& change) {
  if (change.origin == WriteOrigin::kReplication || table.state.replica_regions.empty()) return;
  const int64_t due = s.replication().Follow(table, change, s.options().replication_delay_seconds * 1000);
  s.ScheduleWork(due);
}

// --- Service members for replication ---

core::Status Service::OpenTableForService(Table& t) { return OpenTableAs(nullptr, DynamoDbPrincipal(t.region), t); }

bool Service::IsAwsManagedKey(const std::string& region, const std::string& key_arn) const {
  const size_t slash = key_arn.rfind("key/");
  if (slash == std::string::npos) return false;
  kms::KeyPtr key = kms_service_->keys().Find(region, key_arn.substr(slash + 4));
  return key && key->meta.key_manager == "AWS";
}

}  // namespace kmslab::ddb
