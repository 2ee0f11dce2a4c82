// UpdateTimeToLive and DescribeTimeToLive (docs/spec/dynamodb.md section 7;
// the sweeper is ttl_sweep.cc).
#include <mutex>

#include "ddb/operations.h"
#include "ddb/ops/common.h"

namespace kmslab::ddb::ops {

namespace {

std::string TableNotFoundText(const std::string& name) {
  return "Requested resource not found: Table: " + name + " not found";
}

}  // namespace

struct UpdateTimeToLiveOp : OneTableOp {
  static constexpr const char* kName = "UpdateTimeToLive";
  struct Request : TableRequest {
    bool enabled = false;
    std::string attribute;
  };
  static core::Status Read(const rapidjson::Value& body, Request& q) {
    RETURN_IF_ERROR(ReadTableRequest(body, q));
    ASSIGN_OR_RETURN(const rapidjson::Value* spec,
                     RequiredObject(body, "TimeToLiveSpecification", "timeToLiveSpecification"));
    const rapidjson::Value* enabled = FindMember(*spec, "Enabled");
    if (enabled && !enabled->IsBool()) return SerializationError("Unexpected value type for Enabled");
    ASSIGN_OR_RETURN(std::optional<std::string> attribute, OptionalString(*spec, "AttributeName"));
    if (!enabled) return NullMember("timeToLiveSpecification.enabled");
    if (!attribute) return NullMember("timeToLiveSpecification.attributeName");
    if (attribute->empty() || attribute->size() > 255) {
      return ValidationError("1 validation error detected: Value '" + *attribute +
                             "' at 'timeToLiveSpecification.attributeName' failed to satisfy constraint: Member "
                             "must have length " +
                             (attribute->empty() ? "greater than or equal to 1" : "less than or equal to 255"));
    }
    q.enabled = enabled->GetBool();
    q.attribute = std::move(*attribute);
    return core::Status();
  }
  static core::Status Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out);
};
KMSLAB_DDB_OPERATION(UpdateTimeToLive);

core::Status UpdateTimeToLiveOp::Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out) {
  std::shared_ptr<Table> table = s.FindTable(call, q.table);
  if (!table) return ResourceNotFound(TableNotFoundText(q.table));
  const int64_t now = s.NowMillis();
  {
    std::unique_lock<std::shared_mutex> lock(table->mu);
    if (table->deleted) return ResourceNotFound(TableNotFoundText(q.table));
    TableState& state = table->state;
    // DynamoDB cannot maintain the table without its key.
    if (state.inaccessible_ms) return InaccessibleError(state);
    TimeToLive& ttl = state.ttl;
    // What the request asks is checked before the cooldown.
    if (ttl.enabled && ttl.attribute != q.attribute) {
      return ValidationError("TimeToLive is active on a different AttributeName: current AttributeName is " +
                             ttl.attribute);
    }
    if (ttl.enabled && q.enabled) return ValidationError("TimeToLive is already enabled");
    if (!ttl.enabled && !q.enabled) return ValidationError("TimeToLive is already disabled");
    if (ttl.changed_ms && now - ttl.changed_ms < s.options().ttl_cooldown_seconds * 1000) {
      return ValidationError("Time to live has been modified multiple times within a fixed interval");
    }
    TimeToLive before = ttl;
    ttl.enabled = q.enabled;
    ttl.attribute = q.enabled ? q.attribute : "";
    ttl.changed_ms = now;
    ttl.key_failed_ms = 0;
    ttl.next_sweep_ms = now + s.options().ttl_sweep_seconds * 1000;
    if (core::Status saved = s.SaveTable(*table); !saved.ok()) {
      ttl = before;
      return saved;
    }
  }
  if (q.enabled) s.ScheduleWork(now + s.options().ttl_sweep_seconds * 1000);
  out.StartObject();
  out.Key("TimeToLiveSpecification");
  out.StartObject();
  out.Key("Enabled");
  out.Bool(q.enabled);
  out.Key("AttributeName");
  out.String(q.attribute);
  out.EndObject();
  out.EndObject();
  return core::Status();
}

struct DescribeTimeToLiveOp : OneTableOp {
  static constexpr const char* kName = "DescribeTimeToLive";
  static core::Status Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out);
};
KMSLAB_DDB_OPERATION(DescribeTimeToLive);

core::Status DescribeTimeToLiveOp::Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out) {
  std::shared_ptr<Table> table = s.FindTable(call, q.table);
  if (!table) return ResourceNotFound(TableNotFoundText(q.table));
  std::shared_lock<std::shared_mutex> lock(table->mu);
  if (table->deleted) return ResourceNotFound(TableNotFoundText(q.table));
  out.StartObject();
  out.Key("TimeToLiveDescription");
  out.StartObject();
  out.Key("TimeToLiveStatus");
  out.String(table->state.ttl.enabled ? "ENABLED" : "DISABLED");
  if (table->state.ttl.enabled) {
    out.Key("AttributeName");
    out.String(table->state.ttl.attribute);
  }
  out.EndObject();
  out.EndObject();
  return core::Status();
}

}  // namespace kmslab::ddb::ops
