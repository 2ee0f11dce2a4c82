#include "ddb/replication.h"

#include <algorithm>
#include <climits>
#include <mutex>

#include "core/arn.h"
#include "core/random.h"
#include "crypto/aes_gcm.h"
#include "ddb/errors.h"
#include "ddb/item_changes.h"
#include "ddb/ops/common.h"
#include "ddb/ops/item_common.h"
#include "ddb/service.h"
#include "kms/key_registry.h"

namespace kmslab::ddb {

namespace {

const std::string kInvalid = "One or more parameter values were invalid: ";
constexpr int64_t kMaxReplicaUpdates = 1;

std::string ReplicaIndex(const std::string& account, const std::string& region, const std::string& name) {
  return account + "|" + region + "|" + name;
}

std::string ServicePrincipal(const std::string& region) { return "dynamodb." + region + ".amazonaws.com"; }

bool IsAwsManagedAlias(const std::string& key_id) {
  return key_id == "alias/aws/dynamodb" || (key_id.starts_with("arn:") && key_id.ends_with(":alias/aws/dynamodb"));
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

// Makes `target` hold `source`'s items (last writer wins per item): puts of
// the source's items, deletes of items the source no longer has.
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

std::vector<std::string> GroupOf(const Table& t) {
  std::vector<std::string> regions = t.state.replica_regions;
  regions.push_back(t.region);
  return regions;
}

// Adds (or removes) `region` to the replica list of each member of the group.
void UpdateMembers(Service& s, const std::string& account, const std::string& name,
                   const std::vector<std::string>& members, const std::string& region, bool add) {
  for (const std::string& member_region : members) {
    if (member_region == region) continue;
    std::shared_ptr<Table> m = s.FindTableIn(account, member_region, name);
    if (!m) continue;
    std::unique_lock<std::shared_mutex> lock(m->mu);
    if (m->deleted) continue;
    std::vector<std::string>& list = m->state.replica_regions;
    auto it = std::find(list.begin(), list.end(), region);
    if (add && it == list.end()) list.push_back(region);
    if (!add && it != list.end()) list.erase(it);
    (void)s.SaveTable(*m);
  }
}

void WriteUpdatedTable(Service& s, Table& t, rapidjson::Writer<rapidjson::StringBuffer>& out) {
  const std::vector<ReplicaView> replicas = ViewReplicas(s, t);
  out.StartObject();
  out.Key("TableDescription");
  std::shared_lock<std::shared_mutex> lock(t.mu);
  WriteTableDescription(out, t, "", [&](JsonWriter& w) { WriteReplicas(w, replicas); });
  out.EndObject();
}

core::Status CreateReplica(Service& s, const kms::CallContext& call, Table& source, const std::string& region,
                           const std::optional<std::string>& key_id) {
  const std::string& name = source.name;
  TableState state;
  {
    std::shared_lock<std::shared_mutex> lock(source.mu);
    if (source.deleted) return ResourceNotFound("Requested resource not found: Table: " + name + " not found");
    state = source.state;
  }
  if (source.definition.billing_mode != "PAY_PER_REQUEST") {
    return ValidationError("Table write capacity should either be Pay-Per-Request or AutoScaled.");
  }
  const std::vector<std::string>& regions = state.replica_regions;
  if (std::find(regions.begin(), regions.end(), region) != regions.end() ||
      s.FindTableIn(source.account, region, name)) {
    return ValidationError("Failed to create a the new replica of table with name: \xE2\x80\x98" + name +
                           "\xE2\x80\x99 because one or more replicas already existed as tables.");
  }
  // The key type is the group's: owned, AWS managed (each Region's
  // aws/dynamodb) or customer managed (a key per replica, named).
  SseChoice choice;
  const std::string& source_key = state.keys.kms_key_arn;
  const bool aws_managed = !source_key.empty() && s.IsAwsManagedKey(source.region, source_key);
  if (source_key.empty()) {
    if (key_id) return ValidationError(kInvalid + "KMSMasterKeyId must be specified for each replica.");
  } else if (aws_managed) {
    if (key_id && !IsAwsManagedAlias(*key_id)) {
      return ValidationError(kInvalid + "All replica keys must either be Customer Managed CMK or AWS Managed CMK.");
    }
    choice = {SseChoice::kKms, "alias/aws/dynamodb"};
  } else {
    if (!key_id) return ValidationError(kInvalid + "KMSMasterKeyId must be specified for each replica.");
    if (IsAwsManagedAlias(*key_id)) {
      return ValidationError(kInvalid + "All replica keys must either be Customer Managed CMK or AWS Managed CMK.");
    }
    choice = {SseChoice::kKms, *key_id};
  }
  // DynamoDB copies the items: the caller must be able to read the source.
  RETURN_IF_ERROR(s.OpenTable(call, source));

  // The replica's keys, set up in its Region: DescribeKey and CreateGrant as
  // the caller through dynamodb.<region>.amazonaws.com, GenerateDataKey as it.
  kms::CallContext in_region = call;
  in_region.region = region;
  core::SecretBytes data_key(core::RandomBytes(crypto::kAesKeyBytes));
  auto keys = s.NewTableKeys(in_region, name, choice, &data_key);
  if (!keys.ok()) return ReplicaRegionError(keys.status(), region);
  if (!aws_managed && !keys->kms_key_arn.empty() && s.IsAwsManagedKey(region, keys->kms_key_arn)) {
    s.RetireGrant(region, *keys);
    return ValidationError(kInvalid + "All replica keys must either be Customer Managed CMK or AWS Managed CMK.");
  }
  const int64_t now = s.NowMillis();
  auto replica = std::make_shared<Table>(core::NewUuid(), source.account, region, name, now, source.definition);
  replica->state.keys = std::move(keys).value();
  replica->state.next_check_ms = now + s.options().detection_seconds * 1000;
  {
    std::shared_lock<std::shared_mutex> lock(source.mu);
    replica->state.replica_regions = GroupOf(source);
  }
  replica->state.replica_ready_ms = now + s.options().replica_create_seconds * 1000;
  replica->data_key = std::move(data_key);
  replica->loaded = true;
  // DynamoDB holds the table key it just generated (the 5-minute cache).
  replica->access_until[ServicePrincipal(region)] = now + s.options().key_cache_seconds * 1000;
  core::Status added = s.AddTable(replica);
  if (added.ok()) {
    std::unique_lock<std::shared_mutex> lock(replica->mu);
    added = s.SaveTable(*replica);
    if (!added.ok()) s.RemoveTable(*replica);
  }
  if (!added.ok()) {
    s.RetireTableGrants(*replica);
    return added.aws_type() == "ResourceInUseException"
               ? ValidationError("Failed to create a the new replica of table with name: \xE2\x80\x98" + name +
                                 "\xE2\x80\x99 because one or more replicas already existed as tables.")
               : added;
  }
  // From now on the members queue their changes for the new Region too;
  // the copy below and those changes meet by last writer wins.
  UpdateMembers(s, source.account, name, replica->state.replica_regions, region, true);
  CopyTable(s, source.account, name, source.region, *replica);
  s.ScheduleWork(replica->state.replica_ready_ms);
  return core::Status();
}

core::Status DeleteReplica(Service& s, Table& source, const std::string& region) {
  const std::string& name = source.name;
  std::vector<std::string> members;
  {
    std::shared_lock<std::shared_mutex> lock(source.mu);
    if (source.deleted) return ResourceNotFound("Requested resource not found: Table: " + name + " not found");
    const std::vector<std::string>& regions = source.state.replica_regions;
    if (std::find(regions.begin(), regions.end(), region) == regions.end()) {
      // Not observed; kmslab's text [I].
      return ValidationError(kInvalid + "Replica in region " + region + " of table " + name + " does not exist.");
    }
    members = GroupOf(source);
  }
  if (std::shared_ptr<Table> replica = s.FindTableIn(source.account, region, name)) {
    std::unique_lock<std::shared_mutex> lock(replica->mu);
    if (!replica->deleted) {
      if (replica->state.key_switch) {
        return ResourceInUse("Attempt to change a resource which is still in use: Table: " + name +
                             " is in the process of being updated.");
      }
      RETURN_IF_ERROR(s.store().DeleteDdbTable(replica->table_id));
      replica->deleted = true;
      s.RemoveTable(*replica);
      s.RetireTableGrants(*replica);
      s.replication().Forget(replica->table_id);
    }
  }
  UpdateMembers(s, source.account, name, members, region, false);
  return core::Status();
}

// The RegionName member of a Create or Delete action.
core::StatusOr<std::string> ReadRegion(const rapidjson::Value& action, const char* path) {
  ASSIGN_OR_RETURN(std::string region, ops::RequiredString(action, "RegionName", path));
  if (!core::IsRegionName(region)) {
    return ValidationError("1 validation error detected: Value '" + region + "' at '" + path +
                           "' failed to satisfy constraint: Member must be an AWS Region name");
  }
  return region;
}

}  // namespace

core::Status ReplicaRegionError(const core::Status& error, const std::string& region) {
  const std::string& m = error.message();
  if (m.starts_with("KMS key disabled error")) {
    return ValidationError(
        "Operation cannot be performed while replica server-side encryption status is in UPDATING state. Please "
        "retry the request after the status is updated to ENABLED.");
  }
  const size_t colon = m.find(": com.amazonaws.services.kms");
  if (!m.starts_with("KMS ") || colon == std::string::npos) return error;
  return core::Status(error.code(), m.substr(0, colon) + " for region " + region + m.substr(colon), error.aws_type());
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

core::Status UpdateReplicas(Service& s, const kms::CallContext& call, const std::string& name,
                            const rapidjson::Value& request, rapidjson::Writer<rapidjson::StringBuffer>& out) {
  for (auto it = request.MemberBegin(); it != request.MemberEnd(); ++it) {
    const std::string member = it->name.GetString();
    if (member == "TableName" || member == "ReplicaUpdates" || it->value.IsNull()) continue;
    // AWS takes a replica action alone in the call; kmslab's text [I].
    return ValidationError(kInvalid + "ReplicaUpdates must be the only operation in the request, not with " + member);
  }
  const rapidjson::Value& updates = request["ReplicaUpdates"];
  if (!updates.IsArray()) return SerializationError("Start of list found where not expected");
  int64_t actions = 0;
  const rapidjson::Value* create = nullptr;
  const rapidjson::Value* remove = nullptr;
  for (const rapidjson::Value& u : updates.GetArray()) {
    if (!u.IsObject()) return SerializationError("Start of structure or map expected");
    const rapidjson::Value* c = FindMember(u, "Create");
    const rapidjson::Value* d = FindMember(u, "Delete");
    const rapidjson::Value* update = FindMember(u, "Update");
    if (!c && !d && !update) {
      return ValidationError("There are no actions specified in the Replica Update Action of the request.");
    }
    if ((c && !c->IsObject()) || (d && !d->IsObject())) return SerializationError("Start of structure or map expected");
    if (update) return ValidationError("kmslab does not support Update in ReplicaUpdates");
    actions += (c ? 1 : 0) + (d ? 1 : 0);
    if (c) create = c;
    if (d) remove = d;
  }
  if (actions == 0) return ValidationError("There are no actions specified in the Replica Update Action of the request.");
  if (actions > kMaxReplicaUpdates) {
    return ValidationError("Update table operation with more than one create or delete replica actions not allowed");
  }
  std::string region;
  std::optional<std::string> key_id;
  if (create) {
    RETURN_IF_ERROR(ops::RejectUnsupported(*create, {"GlobalSecondaryIndexes", "TableClassOverride",
                                                     "ProvisionedThroughputOverride", "OnDemandThroughputOverride"},
                                           "ReplicaUpdates Create"));
    ASSIGN_OR_RETURN(region, ReadRegion(*create, "replicaUpdates.member.create.regionName"));
    ASSIGN_OR_RETURN(key_id, ops::OptionalString(*create, "KMSMasterKeyId"));
  } else {
    ASSIGN_OR_RETURN(region, ReadRegion(*remove, "replicaUpdates.member.delete.regionName"));
  }
  if (region == call.region) {
    return ValidationError(
        "Cannot add, delete, or update the local region through ReplicaUpdates. Use CreateTable, DeleteTable, or "
        "UpdateTable as required.");
  }
  std::shared_ptr<Table> table = s.FindTable(call, name);
  if (!table) return ResourceNotFound("Requested resource not found: Table: " + name + " not found");
  RETURN_IF_ERROR(create ? CreateReplica(s, call, *table, region, key_id) : DeleteReplica(s, *table, region));
  WriteUpdatedTable(s, *table, out);
  return core::Status();
}

std::vector<ReplicaView> ViewReplicas(Service& s, const Table& t) {
  std::vector<std::string> regions;
  {
    std::shared_lock<std::shared_mutex> lock(t.mu);
    regions = t.state.replica_regions;
  }
  std::sort(regions.begin(), regions.end());
  const int64_t now = s.NowMillis();
  std::vector<ReplicaView> views;
  for (const std::string& region : regions) {
    std::shared_ptr<Table> replica = s.FindTableIn(t.account, region, t.name);
    if (!replica) continue;
    ReplicaView view{region, "ACTIVE", ""};
    std::string key_arn;
    {
      std::shared_lock<std::shared_mutex> lock(replica->mu);
      if (replica->deleted) continue;
      if (replica->state.inaccessible_ms) {
        view.status = "INACCESSIBLE_ENCRYPTION_CREDENTIALS";
      } else if (now < replica->state.replica_ready_ms) {
        view.status = "CREATING";
      }
      key_arn = replica->state.keys.kms_key_arn;
    }
    if (!key_arn.empty() && !s.IsAwsManagedKey(region, key_arn)) view.kms_key_arn = std::move(key_arn);
    views.push_back(std::move(view));
  }
  return views;
}

void WriteReplicas(rapidjson::Writer<rapidjson::StringBuffer>& out, const std::vector<ReplicaView>& replicas) {
  if (replicas.empty()) return;
  out.Key("GlobalTableVersion");
  out.String("2019.11.21");
  out.Key("Replicas");
  out.StartArray();
  for (const ReplicaView& r : replicas) {
    out.StartObject();
    out.Key("RegionName");
    out.String(r.region);
    out.Key("ReplicaStatus");
    out.String(r.status);
    if (!r.kms_key_arn.empty()) {
      out.Key("KMSMasterKeyId");
      out.String(r.kms_key_arn);
    }
    out.EndObject();
  }
  out.EndArray();
}

std::string ReplicaTableStatus(const Service& s, const Table& t) {
  return s.NowMillis() < t.state.replica_ready_ms ? "CREATING" : "";
}

void LeaveReplicationGroup(Service& s, const Table& table, const std::vector<std::string>& regions) {
  s.replication().Forget(table.table_id);
  UpdateMembers(s, table.account, table.name, regions, table.region, false);
}

// --- Service members for replication ---

std::shared_ptr<Table> Service::FindTableIn(const std::string& account, const std::string& region,
                                            const std::string& name) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  auto it = tables_.find(TableIndex(account, region, name));
  return it == tables_.end() ? nullptr : it->second;
}

core::Status Service::OpenTableForService(Table& t) { return OpenTableAs(nullptr, ServicePrincipal(t.region), t); }

bool Service::IsAwsManagedKey(const std::string& region, const std::string& key_arn) const {
  const size_t slash = key_arn.rfind("key/");
  if (slash == std::string::npos) return false;
  kms::KeyPtr key = kms_service_->keys().Find(region, key_arn.substr(slash + 4));
  return key && key->meta.key_manager == "AWS";
}

}  // namespace kmslab::ddb
