// CreateTable, DescribeTable, UpdateTable, DeleteTable, ListTables.
#include <mutex>

#include "core/random.h"
#include "core/strings.h"
#include "crypto/aes_gcm.h"
#include "ddb/item_history.h"
#include "ddb/operations.h"
#include "ddb/ops/common.h"
#include "ddb/ops/table_settings.h"
#include "ddb/resource_policies.h"
#include "ddb/ops/index_definitions.h"
#include "ddb/streams.h"

namespace kmslab::ddb::ops {

namespace {

const std::string kInvalid = "One or more parameter values were invalid: ";

core::StatusOr<TableDefinition> ReadDefinition(const rapidjson::Value& request) {
  TableDefinition d;
  const rapidjson::Value* attrs = FindMember(request, "AttributeDefinitions");
  const rapidjson::Value* schema = FindMember(request, "KeySchema");
  if (!attrs || !schema) return NullMember(attrs ? "keySchema" : "attributeDefinitions");
  if (!attrs->IsArray() || !schema->IsArray()) return SerializationError("Start of list found where not expected");
  for (const auto& a : attrs->GetArray()) {
    if (!a.IsObject()) return SerializationError("Start of structure or map expected");
    ASSIGN_OR_RETURN(std::string name, RequiredString(a, "AttributeName", "attributeDefinitions.member.attributeName"));
    auto read_type = RequiredString(a, "AttributeType", "attributeDefinitions.member.attributeType");
    if (!read_type.ok()) return read_type.status();
    std::string type = std::move(read_type).value();
    if (type.size() != 1 || std::string_view("SNB").find(type[0]) == std::string_view::npos) {
      return ValidationError("1 validation error detected: Value '" + type +
                             "' at 'attributeDefinitions.member.attributeType' failed to satisfy constraint: Member "
                             "must satisfy enum value set: [B, N, S]");
    }
    d.attributes.push_back({std::move(name), std::move(type)});
  }
  if (schema->Empty() || schema->Size() > 2) {
    return ValidationError("1 validation error detected: Value '[...]' at 'keySchema' failed to satisfy constraint: "
                           "Member must have length less than or equal to 2 and greater than or equal to 1");
  }
  std::vector<std::string> key_names;
  for (rapidjson::SizeType i = 0; i < schema->Size(); ++i) {
    const rapidjson::Value& e = (*schema)[i];
    if (!e.IsObject()) return SerializationError("Start of structure or map expected");
    ASSIGN_OR_RETURN(std::string name, RequiredString(e, "AttributeName", "keySchema.member.attributeName"));
    ASSIGN_OR_RETURN(std::string type, RequiredString(e, "KeyType", "keySchema.member.keyType"));
    if (type != "HASH" && type != "RANGE") {
      return ValidationError("1 validation error detected: Value '" + type +
                             "' at 'keySchema.member.keyType' failed to satisfy constraint: Member must satisfy enum "
                             "value set: [HASH, RANGE]");
    }
    if ((i == 0) != (type == "HASH")) {
      return ValidationError(kInvalid + (i == 0 ? "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"
                                                : "Too many hash keys specified.  All Dynamo DB tables must have "
                                                  "exactly one hash key"));
    }
    (i == 0 ? d.hash_name : d.range_name) = name;
    key_names.push_back(std::move(name));
  }
  if (d.hash_name == d.range_name) return ValidationError(kInvalid + "Both the Hash Key and the Range Key element in the KeySchema have the same name");
  std::vector<std::string> missing, defined;
  for (const auto& a : d.attributes) defined.push_back(a.name);
  for (const auto& k : key_names)
    if (d.TypeOf(k).empty()) missing.push_back(k);
  if (!missing.empty()) {
    return ValidationError(kInvalid + "Some index key attributes are not defined in AttributeDefinitions. Keys: [" +
                           core::Join(missing, ", ") + "], AttributeDefinitions: [" + core::Join(defined, ", ") + "]");
  }
  if (d.attributes.size() != key_names.size() && !DeclaresIndexes(request)) {
    return ValidationError(kInvalid +
                           "Number of attributes in KeySchema does not exactly match number of attributes defined in "
                           "AttributeDefinitions");
  }

  ASSIGN_OR_RETURN(std::optional<std::string> billing, OptionalString(request, "BillingMode"));
  d.billing_mode = billing.value_or("PROVISIONED");
  if (d.billing_mode != "PROVISIONED" && d.billing_mode != "PAY_PER_REQUEST") {
    return ValidationError("1 validation error detected: Value '" + d.billing_mode +
                           "' at 'billingMode' failed to satisfy constraint: Member must satisfy enum value set: "
                           "[PROVISIONED, PAY_PER_REQUEST]");
  }
  ASSIGN_OR_RETURN(const rapidjson::Value* throughput, OptionalObject(request, "ProvisionedThroughput"));
  if (d.billing_mode == "PAY_PER_REQUEST") {
    if (throughput) {
      return ValidationError(kInvalid +
                             "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is "
                             "PAY_PER_REQUEST");
    }
  } else {
    if (!throughput) return ValidationError(kInvalid + "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED");
    const rapidjson::Value* r = FindMember(*throughput, "ReadCapacityUnits");
    const rapidjson::Value* w = FindMember(*throughput, "WriteCapacityUnits");
    if (!r || !w || !r->IsInt64() || !w->IsInt64() || r->GetInt64() < 1 || w->GetInt64() < 1) {
      return ValidationError(kInvalid + "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED");
    }
    d.read_capacity = r->GetInt64();
    d.write_capacity = w->GetInt64();
  }
  return d;
}

// The quota on SSE changes: 4 in a 24-hour window, then one per 6 hours.
core::Status CheckSseQuota(std::vector<int64_t>& changes, int64_t now) {
  constexpr int64_t kDay = 24LL * 3600 * 1000, kSixHours = 6LL * 3600 * 1000;
  while (!changes.empty() && changes.front() <= now - kDay) changes.erase(changes.begin());
  if (changes.size() < 4 || now - changes.back() >= kSixHours) return core::Status();
  return LimitExceeded("Subscriber limit exceeded: Encryption mode changes are limited in the 24h window ending at " +
                       core::FormatIso8601(changes.front() + kDay) +
                       ". After the first 4 change, each subsequent change in the same window can be performed at "
                       "most once every 21600 seconds. Number of updates today: " +
                       std::to_string(changes.size()) + ". Last change at " + core::FormatIso8601(changes.back()));
}

}  // namespace

struct CreateTableOp : OneTableOp {
  static constexpr const char* kName = "CreateTable";
  static core::Status Resolve(Service& s, const kms::CallContext& call, const Request& q, Plan& plan) {
    RETURN_IF_ERROR(OneTableOp::Resolve(s, call, q, plan));
    RequireCreateTablePolicy(*q.body, s.TableArn(call, q.table), plan);
    RequireCreateTableTags(*q.body, s.TableArn(call, q.table), plan);
    return core::Status();
  }
  static core::Status Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out);
};
KMSLAB_DDB_OPERATION(CreateTable);

core::Status CreateTableOp::Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out) {
  const rapidjson::Value& request = *q.body;
  const std::string& name = q.table;
  ASSIGN_OR_RETURN(TableDefinition definition, ReadDefinition(request));
  ASSIGN_OR_RETURN(TableSettings settings, ReadCreateTableSettings(request, s.NowMillis()));
  ASSIGN_OR_RETURN(std::vector<IndexSchema> indexes, ReadCreateTableIndexes(request, definition));
  StreamChoice stream;
  if (const rapidjson::Value* spec = FindMember(request, "StreamSpecification")) {
    ASSIGN_OR_RETURN(stream, ReadStreamSpecification(*spec, true));
  }
  SseChoice choice;
  if (const rapidjson::Value* spec = FindMember(request, "SSESpecification")) {
    ASSIGN_OR_RETURN(choice, ReadSseSpecification(*spec, "sSESpecification"));
  }
  ASSIGN_OR_RETURN(std::optional<ResourcePolicySlot> resource_policy, ReadCreateTablePolicy(request, s.NowMillis()));
  if (s.FindTable(call, name)) return ResourceInUse("Table already exists: " + name);

  core::SecretBytes data_key(core::RandomBytes(crypto::kAesKeyBytes));
  ASSIGN_OR_RETURN(TableKeys keys, s.NewTableKeys(call, name, choice, &data_key));
  const int64_t now = s.NowMillis();
  auto table =
      std::make_shared<Table>(core::NewUuid(), call.caller->account, call.region, name, now, std::move(definition));
  table->state.keys = std::move(keys);
  table->state.settings = std::move(settings);
  if (resource_policy) table->state.resource_policy = std::move(*resource_policy);
  if (!indexes.empty()) table->state.indexes = std::make_shared<const std::vector<IndexSchema>>(std::move(indexes));
  table->state.next_check_ms = now + s.options().detection_seconds * 1000;
  table->data_key = std::move(data_key);
  table->loaded = true;
  core::Status added = s.AddTable(table);
  if (added.ok() && stream.enabled) {
    std::unique_lock<std::shared_mutex> lock(table->mu);
    added = StartTableStream(s, *table, *stream.view_type);
  }
  if (added.ok()) {
    added = s.SaveTable(*table);
    if (!added.ok()) s.RemoveTable(*table);
  }
  if (!added.ok()) {
    s.RetireTableGrants(*table);
    return added;
  }
  out.StartObject();
  out.Key("TableDescription");
  std::shared_lock<std::shared_mutex> lock(table->mu);
  WriteTableDescription(out, *table, "CREATING");
  out.EndObject();
  return core::Status();
}

struct DescribeTableOp : OneTableOp {
  static constexpr const char* kName = "DescribeTable";
  static core::Status Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out);
};
KMSLAB_DDB_OPERATION(DescribeTable);

core::Status DescribeTableOp::Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out) {
  const std::string& name = q.table;
  std::shared_ptr<Table> table = s.FindTable(call, name);
  if (!table) return ResourceNotFound("Requested resource not found: Table: " + name + " not found");
  const std::vector<ReplicaView> replicas = ViewReplicas(s, *table);
  out.StartObject();
  out.Key("Table");
  std::shared_lock<std::shared_mutex> lock(table->mu);
  WriteTableDescription(out, *table, ReplicaTableStatus(s, *table),
                        [&](JsonWriter& w) { WriteReplicas(w, replicas); });
  out.EndObject();
  return core::Status();
}

struct ListTablesOp {
  static constexpr const char* kName = "ListTables";
  struct Request {
    std::optional<std::string> start;
    int64_t limit = 100;
  };
  static core::Status Read(const rapidjson::Value& body, Request& q) {
    ASSIGN_OR_RETURN(q.start, OptionalString(body, "ExclusiveStartTableName"));
    if (const rapidjson::Value* v = FindMember(body, "Limit")) {
      if (!v->IsInt64()) return SerializationError("Unexpected value type for Limit");
      q.limit = v->GetInt64();
      if (q.limit < 1 || q.limit > 100) {
        return ValidationError("1 validation error detected: Value '" + std::to_string(q.limit) +
                               "' at 'limit' failed to satisfy constraint: Member must have value less than or "
                               "equal to 100 and greater than or equal to 1");
      }
    }
    return core::Status();
  }
  static core::Status Resolve(Service&, const kms::CallContext&, const Request&, Plan& plan) {
    plan.Require("*");
    return core::Status();
  }
  static core::Status Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out);
};
KMSLAB_DDB_OPERATION(ListTables);

core::Status ListTablesOp::Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out) {
  const std::optional<std::string>& start = q.start;
  const int64_t limit = q.limit;
  std::vector<std::string> names;
  for (const auto& t : s.ListTables(call))
    if (!start || t->name > *start) names.push_back(t->name);
  out.StartObject();
  out.Key("TableNames");
  out.StartArray();
  const size_t n = std::min(names.size(), static_cast<size_t>(limit));
  for (size_t i = 0; i < n; ++i) out.String(names[i]);
  out.EndArray();
  if (n < names.size()) {
    out.Key("LastEvaluatedTableName");
    out.String(names[n - 1]);
  }
  out.EndObject();
  return core::Status();
}

struct DeleteTableOp : OneTableOp {
  static constexpr const char* kName = "DeleteTable";
  static core::Status Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out);
};
KMSLAB_DDB_OPERATION(DeleteTable);

core::Status DeleteTableOp::Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out) {
  const std::string& name = q.table;
  std::shared_ptr<Table> table = s.FindTable(call, name);
  if (!table) return ResourceNotFound("Requested resource not found: Table: " + name + " not found");
  std::unique_lock<std::shared_mutex> lock(table->mu);
  if (table->deleted) return ResourceNotFound("Requested resource not found: Table: " + name + " not found");
  if (table->state.settings.deletion_protection) {
    return ValidationError("Resource cannot be deleted as it is currently protected against deletion. Disable "
                           "deletion protection first.");
  }
  if (table->state.key_switch) {
    return ResourceInUse("Attempt to change a resource which is still in use: Table: " + name +
                         " is in the process of being updated.");
  }
  RETURN_IF_ERROR(CheckNoIndexChange(*table));
  RETURN_IF_ERROR(KeepDeletedTableBackup(s, *table, s.NowMillis()));
  RETURN_IF_ERROR(s.store().DeleteDdbTable(table->table_id));
  table->deleted = true;
  OnTableDeleted(s, *table);
  s.RemoveTable(*table);
  // DynamoDB, the grant's retiring principal, retires it.
  s.RetireTableGrants(*table);
  out.StartObject();
  out.Key("TableDescription");
  WriteTableDescription(out, *table, "DELETING");
  out.EndObject();
  // A global table loses only this Region's replica.
  const std::vector<std::string> replica_regions = table->state.replica_regions;
  lock.unlock();
  if (!replica_regions.empty()) LeaveReplicationGroup(s, *table, replica_regions);
  return core::Status();
}

struct UpdateTableOp : OneTableOp {
  static constexpr const char* kName = "UpdateTable";
  static core::Status Resolve(Service& s, const kms::CallContext& call, const Request& q, Plan& plan) {
    RETURN_IF_ERROR(OneTableOp::Resolve(s, call, q, plan));
    const std::string table_arn = plan.checks.front().resource;  // a copy: Require grows plan.checks
    RequireReplicaActions(*q.body, table_arn, plan);
    return core::Status();
  }
  static core::Status Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out);
};
KMSLAB_DDB_OPERATION(UpdateTable);

core::Status UpdateTableOp::Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out) {
  const rapidjson::Value& request = *q.body;
  const std::string& name = q.table;
  if (FindMember(request, "ReplicaUpdates")) return UpdateReplicas(s, call, name, request, out);
  if (IsSettingsUpdate(request)) return UpdateTableSettings(s, call, q, out);
  const rapidjson::Value* spec = FindMember(request, "SSESpecification");
  if (!spec && FindMember(request, "GlobalSecondaryIndexUpdates")) return UpdateTableIndexes(s, call, q, out);
  for (auto it = request.MemberBegin(); it != request.MemberEnd(); ++it) {
    const std::string member = it->name.GetString();
    if (member == "TableName" || member == "SSESpecification" || member == "StreamSpecification" ||
        it->value.IsNull()) {
      continue;
    }
    if (spec) {
      return ValidationError(kInvalid + "Server-Side Encryption modification must be the only operation in the request");
    }
    return ValidationError("kmslab supports only SSESpecification in UpdateTable; " + member + " is not supported");
  }
  if (const rapidjson::Value* stream = FindMember(request, "StreamSpecification")) {
    if (spec) {
      return ValidationError(kInvalid + "Server-Side Encryption modification must be the only operation in the request");
    }
    return UpdateTableStream(s, call, name, *stream, out);
  }
  if (!spec) {
    return ValidationError(
        "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or "
        "SSESpecification or ReplicaUpdates is required");
  }
  ASSIGN_OR_RETURN(SseChoice choice, ReadSseSpecification(*spec, "sSESpecification"));
  std::shared_ptr<Table> table = s.FindTable(call, name);
  if (!table) return ResourceNotFound("Requested resource not found: Table: " + name + " not found");

  const int64_t now = s.NowMillis();
  TableState current;
  {
    std::shared_lock<std::shared_mutex> lock(table->mu);
    current = table->state;
  }
  const bool owned_now = current.keys.kms_key_arn.empty();
  if (current.key_switch) {
    // An identical re-send is accepted and changes nothing.
    const TableKeys& target = current.key_switch->target;
    const bool same = choice.kind == SseChoice::kKms
                          ? !target.kms_key_arn.empty() && (choice.key_id == target.kms_key_arn ||
                                                            choice.key_id == current.key_switch->requested_key_id)
                          : false;
    if (same) {
      out.StartObject();
      out.Key("TableDescription");
      std::shared_lock<std::shared_mutex> lock(table->mu);
      WriteTableDescription(out, *table, "");
      out.EndObject();
      return core::Status();
    }
    return ResourceInUse("Attempt to change a resource which is still in use: Server-Side Encryption is still being "
                         "updated");
  }
  if (choice.kind == SseChoice::kOwned && owned_now) {
    return ValidationError(kInvalid + "Table is already encrypted by default");
  }
  if (choice.kind == SseChoice::kKms && choice.key_id == current.keys.kms_key_arn) {
    return ValidationError(kInvalid +
                           "Table is already encrypted with given KMSMasterKeyId. Use KMSMasterKeyId parameter if you "
                           "want to change Master Key");
  }
  // With the old key unusable (not merely the grant gone), no change can re-encrypt.
  if (current.inaccessible_ms && current.inaccessible_type != "AccessDeniedException") {
    return InaccessibleError(current);
  }
  RETURN_IF_ERROR(CheckSseQuota(current.sse_changes_ms, now));
  ASSIGN_OR_RETURN(TableKeys target, s.NewTableKeys(call, name, choice, nullptr));

  {
    std::unique_lock<std::shared_mutex> lock(table->mu);
    if (table->deleted || table->state.key_switch) {
      lock.unlock();
      s.RetireGrant(table->region, target);
      return ResourceInUse("Attempt to change a resource which is still in use: Server-Side Encryption is still "
                           "being updated");
    }
    table->state.sse_changes_ms = current.sse_changes_ms;
    table->state.sse_changes_ms.push_back(now);
    table->state.key_switch = KeySwitch{std::move(target), now + s.options().sse_update_seconds * 1000, call,
                                         choice.key_id};
    RETURN_IF_ERROR(s.SaveTable(*table));
    out.StartObject();
    out.Key("TableDescription");
    WriteTableDescription(out, *table, "");
    out.EndObject();
  }
  s.ScheduleWork(now + s.options().sse_update_seconds * 1000);
  return core::Status();
}

}  // namespace kmslab::ddb::ops
