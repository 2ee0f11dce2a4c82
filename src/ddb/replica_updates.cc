// UpdateTable ReplicaUpdates (Create, Delete) and how DescribeTable shows a
// table's replicas (docs/spec/dynamodb.md sections 8.1 and 8.2).
#include <algorithm>
#include <mutex>

#include "core/arn.h"
#include "core/random.h"
#include "crypto/aes_gcm.h"
#include "ddb/errors.h"
#include "ddb/ops/common.h"
#include "ddb/replication.h"
#include "ddb/service.h"
#include "ddb/streams.h"
#include "ddb/table_settings.h"

namespace kmslab::ddb {

namespace {

const std::string kInvalid = "One or more parameter values were invalid: ";
constexpr int64_t kMaxReplicaUpdates = 1;

bool IsAwsManagedAlias(const std::string& key_id) {
  return key_id == "alias/aws/dynamodb" || (key_id.starts_with("arn:") && key_id.ends_with(":alias/aws/dynamodb"));
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
  replica->access_until[DynamoDbPrincipal(region)] = now + s.options().key_cache_seconds * 1000;
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
  // A global table streams its changes (dynamodb-data-plane.md section 8.1):
  // a source without a stream gets NEW_AND_OLD_IMAGES, an existing stream
  // keeps its view type; the replica streams with the same view.
  StreamViewType view = StreamViewType::kNewAndOldImages;
  {
    std::unique_lock<std::shared_mutex> lock(source.mu);
    core::Status started;
    if (source.state.stream.enabled) {
      view = source.state.stream.view_type;
    } else if (!source.deleted) {
      started = StartTableStream(s, source, view);
      if (started.ok()) started = s.SaveTable(source);
    }
    if (started.ok()) {
      std::unique_lock<std::shared_mutex> replica_lock(replica->mu);
      started = StartTableStream(s, *replica, view);
      if (started.ok()) started = s.SaveTable(*replica);
    }
    if (!started.ok()) return started;
  }
  // From now on the members queue their changes for the new Region too;
  // the copy below and those changes meet by last writer wins.
  UpdateMembers(s, source.account, name, replica->state.replica_regions, region, true);
  CopyTable(s, source.account, name, source.region, *replica);
  s.ScheduleWork(replica->state.replica_ready_ms);
  return core::Status();
}

// Not observed; kmslab's text [I].
core::Status NoSuchReplica(const std::string& name, const std::string& region) {
  return ValidationError(kInvalid + "Replica in region " + region + " of table " + name + " does not exist.");
}

// Update {RegionName, KMSMasterKeyId?, TableClassOverride?}: a new key for
// the replica (set up in its Region as Create does; the replica's encryption
// is UPDATING until the switch completes, as UpdateTable's SSE change) and
// its table class.
core::Status UpdateReplica(Service& s, const kms::CallContext& call, Table& source, const std::string& region,
                           const std::optional<std::string>& key_id, const std::optional<TableClass>& table_class) {
  const std::string& name = source.name;
  std::string source_key;
  {
    std::shared_lock<std::shared_mutex> lock(source.mu);
    if (source.deleted) return ResourceNotFound("Requested resource not found: Table: " + name + " not found");
    const std::vector<std::string>& regions = source.state.replica_regions;
    if (std::find(regions.begin(), regions.end(), region) == regions.end()) return NoSuchReplica(name, region);
    source_key = source.state.keys.kms_key_arn;
  }
  std::shared_ptr<Table> replica = s.FindTableIn(source.account, region, name);
  if (!replica) return NoSuchReplica(name, region);
  {
    std::shared_lock<std::shared_mutex> lock(replica->mu);
    if (s.NowMillis() < replica->state.replica_ready_ms) {
      // dynamodb-data-plane.md section 7 (UpdateTimeToLive's text while a replica is added); the type [I].
      return ValidationError(
          "Create/Update/Delete of replica is not allowed while the replica is being added to table with name: "
          "\xE2\x80\x98" + name + "\xE2\x80\x99 in region: \xE2\x80\x98" + region + "\xE2\x80\x99.");
    }
  }
  const bool aws_managed = !source_key.empty() && s.IsAwsManagedKey(source.region, source_key);
  const bool customer_managed = !source_key.empty() && !aws_managed;
  // A CMK group's Update without a key answers the Create's text (dynamodb-data-plane.md section 8.2).
  if (!key_id && (customer_managed || !table_class)) {
    if (customer_managed) return ValidationError(kInvalid + "KMSMasterKeyId must be specified for each replica.");
    return ValidationError("There are no actions specified in the Replica Update Action of the request.");  // [I]
  }
  std::optional<TableKeys> target;
  kms::CallContext in_region = call;
  in_region.region = region;
  if (key_id && source_key.empty()) {
    return ValidationError(kInvalid + "KMSMasterKeyId must be specified for each replica.");
  }
  if (key_id && (aws_managed != IsAwsManagedAlias(*key_id))) {
    return ValidationError(kInvalid + "All replica keys must either be Customer Managed CMK or AWS Managed CMK.");
  }
  if (key_id && customer_managed) {
    std::string current;
    {
      std::shared_lock<std::shared_mutex> lock(replica->mu);
      if (replica->state.key_switch) {
        return ResourceInUse("Attempt to change a resource which is still in use: Server-Side Encryption is still "
                             "being updated");
      }
      current = replica->state.keys.kms_key_arn;
    }
    auto keys = s.NewTableKeys(in_region, name, SseChoice{SseChoice::kKms, *key_id}, nullptr);
    if (!keys.ok()) return ReplicaRegionError(keys.status(), region);
    if (s.IsAwsManagedKey(region, keys->kms_key_arn)) {
      s.RetireGrant(region, *keys);
      return ValidationError(kInvalid + "All replica keys must either be Customer Managed CMK or AWS Managed CMK.");
    }
    if (keys->kms_key_arn != current) {
      target = std::move(keys).value();
    } else {
      s.RetireGrant(region, *keys);  // the key it has: nothing to switch
    }
  }
  const int64_t now = s.NowMillis();
  const int64_t completes_ms = now + s.options().sse_update_seconds * 1000;
  {
    std::unique_lock<std::shared_mutex> lock(replica->mu);
    if (replica->deleted || (target && replica->state.key_switch)) {
      lock.unlock();
      if (target) s.RetireGrant(region, *target);
      return ResourceInUse("Attempt to change a resource which is still in use: Table: " + name +
                           " is in the process of being updated.");
    }
    if (table_class) {
      replica->state.settings.table_class = *table_class;
      replica->state.settings.table_class_set_ms = now;
    }
    if (target) replica->state.key_switch = KeySwitch{std::move(*target), completes_ms, in_region, *key_id};
    RETURN_IF_ERROR(s.SaveTable(*replica));
  }
  s.ScheduleWork(completes_ms);
  return core::Status();
}

core::Status DeleteReplica(Service& s, Table& source, const std::string& region) {
  const std::string& name = source.name;
  std::vector<std::string> members;
  {
    std::shared_lock<std::shared_mutex> lock(source.mu);
    if (source.deleted) return ResourceNotFound("Requested resource not found: Table: " + name + " not found");
    const std::vector<std::string>& regions = source.state.replica_regions;
    if (std::find(regions.begin(), regions.end(), region) == regions.end()) return NoSuchReplica(name, region);
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
  Replication::Done(s, s.replication().DropTarget(source.account, region, name));
  // The group shows the replica DELETING for a while (its table is gone already).
  s.replication().MarkDeleting(source.account, region, name,
                               s.NowMillis() + s.options().replica_create_seconds * 1000);
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

// `table_arn` with its Region replaced by `region`.
std::string ArnInRegion(const std::string& table_arn, const std::string& region) {
  size_t start = 0;
  for (int field = 0; field < 3 && start != std::string::npos; ++field) {
    start = table_arn.find(':', start);
    if (start != std::string::npos) ++start;
  }
  if (start == std::string::npos) return table_arn;
  const size_t end = table_arn.find(':', start);
  if (end == std::string::npos) return table_arn;
  return table_arn.substr(0, start) + region + table_arn.substr(end);
}

core::Status UpdateOneReplica(Service& s, const kms::CallContext& call, const std::string& name,
                              const rapidjson::Value& update, rapidjson::Writer<rapidjson::StringBuffer>& out) {
  RETURN_IF_ERROR(ops::RejectUnsupported(update, {"GlobalSecondaryIndexes", "ProvisionedThroughputOverride",
                                                  "OnDemandThroughputOverride"},
                                         "ReplicaUpdates Update"));
  ASSIGN_OR_RETURN(std::string region, ReadRegion(update, "replicaUpdates.member.update.regionName"));
  ASSIGN_OR_RETURN(std::optional<std::string> key_id, ops::OptionalString(update, "KMSMasterKeyId"));
  std::optional<TableClass> table_class;
  if (const rapidjson::Value* value = FindMember(update, "TableClassOverride")) {
    ASSIGN_OR_RETURN(table_class, ReadTableClass(*value));
  }
  if (region == call.region) {
    return ValidationError(
        "Cannot add, delete, or update the local region through ReplicaUpdates. Use CreateTable, DeleteTable, or "
        "UpdateTable as required.");
  }
  std::shared_ptr<Table> table = s.FindTable(call, name);
  if (!table) return ResourceNotFound("Requested resource not found: Table: " + name + " not found");
  RETURN_IF_ERROR(UpdateReplica(s, call, *table, region, key_id, table_class));
  WriteUpdatedTable(s, *table, out);
  return core::Status();
}

}  // namespace

void RequireReplicaActions(const rapidjson::Value& request, const std::string& table_arn, Plan& plan) {
  const rapidjson::Value* updates = FindMember(request, "ReplicaUpdates");
  if (!updates || !updates->IsArray()) return;
  for (const rapidjson::Value& u : updates->GetArray()) {
    if (!u.IsObject()) continue;
    for (const bool create : {true, false}) {
      const rapidjson::Value* action = FindMember(u, create ? "Create" : "Delete");
      if (!action || !action->IsObject()) continue;
      const rapidjson::Value* region = FindMember(*action, "RegionName");
      if (!region || !region->IsString() || !core::IsRegionName(region->GetString())) continue;
      plan.Require(create ? "CreateTableReplica" : "DeleteTableReplica", table_arn);
      plan.Require(create ? "CreateTable" : "DeleteTable", ArnInRegion(table_arn, region->GetString()));
    }
  }
}

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
  const rapidjson::Value* change = nullptr;
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
    if ((c && !c->IsObject()) || (d && !d->IsObject()) || (update && !update->IsObject())) {
      return SerializationError("Start of structure or map expected");
    }
    actions += (c ? 1 : 0) + (d ? 1 : 0);
    if (c) create = c;
    if (d) remove = d;
    if (update) {
      // kmslab takes one Update, alone in the list; its text [I].
      if (change) return ValidationError(kInvalid + "Only one replica Update is supported per request.");
      change = update;
    }
  }
  if (change) {
    if (actions) return ValidationError(kInvalid + "Only one replica Update is supported per request.");  // [I]
    return UpdateOneReplica(s, call, name, *change, out);
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
    ReplicaView view{region, "ACTIVE", "", TableClass::kStandard, 0};
    std::string key_arn;
    {
      std::shared_lock<std::shared_mutex> lock(replica->mu);
      if (replica->deleted) continue;
      if (replica->state.inaccessible_ms) {
        view.status = "INACCESSIBLE_ENCRYPTION_CREDENTIALS";
      } else if (now < replica->state.replica_ready_ms) {
        view.status = "CREATING";
      } else if (replica->state.key_switch) {
        view.status = "UPDATING";
      }
      key_arn = replica->state.keys.kms_key_arn;
      if (replica->state.settings.table_class_set_ms) {
        view.table_class = replica->state.settings.table_class;
        view.table_class_set_ms = replica->state.settings.table_class_set_ms;
      }
    }
    if (!key_arn.empty() && !s.IsAwsManagedKey(region, key_arn)) view.kms_key_arn = std::move(key_arn);
    views.push_back(std::move(view));
  }
  for (std::string& region : s.replication().DeletingRegions(t.account, t.name, now)) {
    if (region == t.region || std::find(regions.begin(), regions.end(), region) != regions.end()) continue;
    views.push_back({std::move(region), "DELETING", "", TableClass::kStandard, 0});
  }
  std::sort(views.begin(), views.end(),
            [](const ReplicaView& a, const ReplicaView& b) { return a.region < b.region; });
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
    if (r.table_class_set_ms) {
      out.Key("ReplicaTableClassSummary");
      out.StartObject();
      out.Key("TableClass");
      const std::string_view class_name = TableClassName(r.table_class);
      out.String(class_name.data(), static_cast<rapidjson::SizeType>(class_name.size()));
      out.Key("LastUpdateDateTime");
      WriteTime(out, r.table_class_set_ms);
      out.EndObject();
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

}  // namespace kmslab::ddb
