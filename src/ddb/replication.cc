#include "ddb/replication.h"

#include <algorithm>
#include <climits>
#include <mutex>

#include "crypto/aes_gcm.h"
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

std::string ReplicaChangeAad(int64_t id) { return "replica-change|" + std::to_string(id); }

std::string EncodeReplicaChange(const std::optional<std::string>& item, const std::string* old_item,
                                const WriteVersion& version) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  if (item) {
    w.Key("Item");
    w.RawValue(item->data(), item->size(), rapidjson::kObjectType);
  } else if (old_item) {
    w.Key("Old");
    w.RawValue(old_item->data(), old_item->size(), rapidjson::kObjectType);
  }
  w.Key("At");
  w.Int64(version.at_ms);
  w.Key("Region");
  w.String(version.region);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

core::Status DecodeReplicaChange(const TableDefinition& definition, const std::string& json, ReplicaChange& c) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  const core::Status bad = InternalServerError("A stored replica change does not decode.");
  if (doc.HasParseError() || !doc.IsObject()) return bad;
  const rapidjson::Value* item = FindMember(doc, "Item");
  const rapidjson::Value* old_item = FindMember(doc, "Old");
  const rapidjson::Value* at = FindMember(doc, "At");
  const rapidjson::Value* region = FindMember(doc, "Region");
  const rapidjson::Value* keyed = item ? item : old_item;
  if (!keyed || !keyed->IsObject() || !at || !at->IsInt64() || !region || !region->IsString()) return bad;
  if (!FindMember(*keyed, definition.hash_name.c_str()) ||
      (!definition.range_name.empty() && !FindMember(*keyed, definition.range_name.c_str()))) {
    return bad;
  }
  c.key = KeyOf(definition, *keyed);
  c.item.reset();
  if (item) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    item->Accept(w);
    c.item = std::string(buffer.GetString(), buffer.GetSize());
  }
  c.version = {at->GetInt64(), region->GetString()};
  return core::Status();
}

bool OlderThan(const WriteVersion& a, const WriteVersion& b) {
  return a.at_ms != b.at_ms ? a.at_ms < b.at_ms : a.region < b.region;
}

int64_t Replication::Follow(const Table& t, const ItemChange& change, int64_t delay_ms,
                            std::vector<store::DdbItemWrite>& rows) {
  std::lock_guard<std::mutex> lock(mu_);
  // A local write is newer than anything the item saw before.
  WriteVersion& version = versions_[t.table_id][change.key.canonical];
  WriteVersion next{change.at_ms, t.region};
  if (OlderThan(next, version)) next.at_ms = version.at_ms + 1;
  version = next;
  const int64_t due = change.at_ms + delay_ms;
  const std::optional<std::string> item =
      change.new_item ? std::optional<std::string>(*change.new_item) : std::nullopt;
  std::string stored;  // the change as the store keeps it, once encoded
  for (const std::string& region : t.state.replica_regions) {
    const std::string index = ReplicaIndex(t.account, region, t.name);
    if (resync_.count(index)) continue;  // copied whole once its key works
    auto of_replica = [&](const ReplicaChange& c) {
      return c.target_region == region && c.name == t.name && c.account == t.account;
    };
    const size_t pending = static_cast<size_t>(std::count_if(queue_.begin(), queue_.end(), of_replica));
    if (pending >= kMaxPendingPerReplica) {
      std::vector<int64_t>& ids = resync_ids_[index];
      for (const ReplicaChange& c : queue_) {
        if (of_replica(c) && c.id) ids.push_back(c.id);
      }
      std::erase_if(queue_, of_replica);
      resync_[index] = t.region;
      continue;
    }
    ReplicaChange c{t.account, t.name, region, t.region, change.key, item, next, due, ++last_id_};
    if (stored.empty()) stored = EncodeReplicaChange(item, change.old_item, next);
    auto sealed = Service::SealItem(t, ReplicaChangeAad(c.id), stored);
    if (sealed.ok()) {
      rows.push_back({t.table_id, region, std::move(sealed).value(), store::DdbItemWrite::Kind::kReplicaChange, due,
                      c.id});
    } else {
      c.id = 0;  // kept in memory only
    }
    queue_.push_back(std::move(c));
  }
  next_due_ = std::min(next_due_.load(), due);
  return due;
}

void Replication::Load(std::vector<store::DdbReplicaChangeRow> rows) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const store::DdbReplicaChangeRow& row : rows) last_id_ = std::max(last_id_, row.seq);
  stored_ = std::move(rows);
  stored_retry_ms_ = INT64_MIN;
  next_due_ = INT64_MIN;
}

void Replication::ReopenStored(Service& s, int64_t now) {
  std::vector<store::DdbReplicaChangeRow> rows;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stored_.empty() || now < stored_retry_ms_) return;
    rows.swap(stored_);
  }
  std::vector<store::DdbReplicaChangeRow> later;
  std::vector<std::pair<std::string, ReplicaChange>> opened;  // source table id, change
  std::vector<int64_t> dropped;
  for (store::DdbReplicaChangeRow& row : rows) {
    std::shared_ptr<Table> source = s.FindTableById(row.table_id);
    if (!source) {
      dropped.push_back(row.seq);  // its table is gone, and with it the change
      continue;
    }
    if (!s.OpenTableForService(*source).ok()) {
      later.push_back(std::move(row));  // DynamoDB cannot use the source's key yet
      continue;
    }
    ReplicaChange c;
    {
      std::shared_lock<std::shared_mutex> lock(source->mu);
      auto json = source->deleted ? core::StatusOr<core::SecretBytes>(core::Status(core::Code::kNotFound, "deleted"))
                                  : crypto::AesGcmOpen(source->data_key, row.sealed, ReplicaChangeAad(row.seq));
      if (!json.ok() || !DecodeReplicaChange(source->definition, std::string(json->Reveal()), c).ok()) {
        dropped.push_back(row.seq);
        continue;
      }
      c.account = source->account;
      c.name = source->name;
      c.source_region = source->region;
    }
    c.target_region = row.target_region;
    c.due_ms = row.due_ms;
    c.id = row.seq;
    opened.emplace_back(row.table_id, std::move(c));
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::deque<ReplicaChange> front;
    for (auto& [source_id, c] : opened) {
      // The source's last write of the item is at least this one.
      WriteVersion& version = versions_[source_id][c.key.canonical];
      if (OlderThan(version, c.version)) version = c.version;
      front.push_back(std::move(c));
    }
    // Older than anything this run queued: first.
    queue_.insert(queue_.begin(), std::make_move_iterator(front.begin()), std::make_move_iterator(front.end()));
    if (!later.empty()) {
      stored_.insert(stored_.end(), std::make_move_iterator(later.begin()), std::make_move_iterator(later.end()));
      stored_retry_ms_ = now + kRetryMs;
      s.ScheduleWork(stored_retry_ms_);
    }
  }
  Done(s, dropped);
}

void Replication::Done(Service& s, const std::vector<int64_t>& ids) {
  std::vector<store::DdbItemWrite> rows;
  for (int64_t id : ids) {
    if (id) rows.push_back({"", "", "", store::DdbItemWrite::Kind::kReplicaChangeDone, 0, id});
  }
  // Best effort: a row left behind is applied again after a restart (last writer wins).
  if (!rows.empty()) (void)s.store().AwaitDdbWrites(s.store().EnqueueDdbItemWrites(std::move(rows)));
}

void Replication::Drain(Service& s) {
  if (s.NowMillis() < next_due_.load()) return;  // nothing queued is due: the common case
  std::lock_guard<std::mutex> one_at_a_time(drain_mu_);
  const int64_t now = s.NowMillis();
  ReopenStored(s, now);
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
  // A writer queues its change, then hands its rows (the change's own among
  // them) to the store, all under its table's lock: once that lock is free,
  // the change's row is ahead of any Done row for it in the store's queue.
  std::map<std::string, bool> sources;
  for (const auto& [index, changes] : due) {
    for (const ReplicaChange& c : changes) sources[ReplicaIndex(c.account, c.source_region, c.name)] = true;
  }
  for (const auto& [index, unused] : sources) {
    const size_t a = index.find('|'), b = index.find('|', a + 1);
    if (std::shared_ptr<Table> source =
            s.FindTableIn(index.substr(0, a), index.substr(a + 1, b - a - 1), index.substr(b + 1))) {
      std::shared_lock<std::shared_mutex> barrier(source->mu);
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
    std::vector<int64_t> ids;
    {
      std::lock_guard<std::mutex> lock(mu_);
      resync_.erase(index);
      retry_ms_.erase(index);
      ids = std::move(resync_ids_[index]);
      resync_ids_.erase(index);
    }
    if (target) CopyTable(s, target->account, target->name, source_region, *target);
    Done(s, ids);
  }
  for (auto& [index, changes] : due) {
    std::vector<int64_t> ids;
    for (const ReplicaChange& c : changes) ids.push_back(c.id);
    std::shared_ptr<Table> target = target_of(index);
    if (!target) {
      Done(s, ids);  // the replica is gone: nothing to apply
      continue;
    }
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
    Done(s, ids);
  }
  std::lock_guard<std::mutex> lock(mu_);
  next_due_ = NextDueLocked();
}

int64_t Replication::NextDue() const {
  std::lock_guard<std::mutex> lock(mu_);
  return NextDueLocked();
}

int64_t Replication::NextDueLocked() const {
  int64_t next = stored_.empty() ? INT64_MAX : stored_retry_ms_;
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
  resync_ids_.clear();
  stored_.clear();
  deleting_.clear();
  next_due_ = INT64_MAX;
}

std::vector<int64_t> Replication::DropTarget(const std::string& account, const std::string& region,
                                            const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<int64_t> ids;
  auto of_replica = [&](const ReplicaChange& c) {
    return c.target_region == region && c.name == name && c.account == account;
  };
  for (const ReplicaChange& c : queue_) {
    if (of_replica(c) && c.id) ids.push_back(c.id);
  }
  std::erase_if(queue_, of_replica);
  const std::string index = ReplicaIndex(account, region, name);
  resync_.erase(index);
  retry_ms_.erase(index);
  auto resync_ids = resync_ids_.find(index);
  if (resync_ids != resync_ids_.end()) {
    ids.insert(ids.end(), resync_ids->second.begin(), resync_ids->second.end());
    resync_ids_.erase(resync_ids);
  }
  return ids;
}

void Replication::MarkDeleting(const std::string& account, const std::string& region, const std::string& name,
                               int64_t until_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  deleting_[ReplicaIndex(account, region, name)] = until_ms;
}

std::vector<std::string> Replication::DeletingRegions(const std::string& account, const std::string& name,
                                                      int64_t now_ms) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> regions;
  for (const auto& [index, until_ms] : deleting_) {
    const size_t a = index.find('|'), b = index.find('|', a + 1);
    if (now_ms < until_ms && index.substr(0, a) == account && index.substr(b + 1) == name) {
      regions.push_back(index.substr(a + 1, b - a - 1));
    }
  }
  return regions;
}

int64_t LeaveIfLongInaccessible(Service& s, Table& t, int64_t now) {
  std::vector<std::string> members;
  {
    std::unique_lock<std::shared_mutex> lock(t.mu);
    if (t.deleted || t.state.replica_regions.empty() || !t.state.inaccessible_ms) return INT64_MAX;
    const int64_t drop_ms = t.state.inaccessible_ms + Replication::kDropInaccessibleMs;
    if (now < drop_ms) return drop_ms;
    members = std::move(t.state.replica_regions);
    t.state.replica_regions.clear();
    (void)s.SaveTable(t);
  }
  // The others forget it; nothing more flows to or from it.
  Replication::Done(s, s.replication().DropTarget(t.account, t.region, t.name));
  for (const std::string& region : members) {
    Replication::Done(s, s.replication().DropTarget(t.account, region, t.name));
    std::shared_ptr<Table> m = s.FindTableIn(t.account, region, t.name);
    if (!m) continue;
    std::unique_lock<std::shared_mutex> lock(m->mu);
    if (m->deleted) continue;
    std::erase(m->state.replica_regions, t.region);
    (void)s.SaveTable(*m);
  }
  return INT64_MAX;
}

void FollowReplicas(Service& s, const Table& table, const ItemChange& change, std::vector<store::DdbItemWrite>& rows) {
  if (change.origin == WriteOrigin::kReplication || table.state.replica_regions.empty()) return;
  const int64_t due = s.replication().Follow(table, change, s.options().replication_delay_seconds * 1000, rows);
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
