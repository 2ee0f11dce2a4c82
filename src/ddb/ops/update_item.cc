// UpdateItem (docs/spec/dynamodb.md section 1): an upsert of the item at Key
// through an UpdateExpression, under an optional ConditionExpression.
#include <mutex>

#include "ddb/attribute_value.h"
#include "ddb/indexes.h"
#include "ddb/operations.h"
#include "ddb/ops/item_common.h"
#include "ddb/ops/item_ops.h"
#include "ddb/update_expression.h"

namespace kmslab::ddb::ops {

namespace {

enum class ReturnValues { kNone, kAllOld, kUpdatedOld, kAllNew, kUpdatedNew };

// ReturnValues: NONE (default), ALL_OLD, UPDATED_OLD, ALL_NEW or UPDATED_NEW.
core::StatusOr<ReturnValues> ReadReturnValues(const rapidjson::Value& request) {
  ASSIGN_OR_RETURN(std::optional<std::string> value, OptionalString(request, "ReturnValues"));
  static constexpr std::pair<std::string_view, ReturnValues> kModes[] = {{"NONE", ReturnValues::kNone},
                                                                          {"ALL_OLD", ReturnValues::kAllOld},
                                                                          {"UPDATED_OLD", ReturnValues::kUpdatedOld},
                                                                          {"ALL_NEW", ReturnValues::kAllNew},
                                                                          {"UPDATED_NEW", ReturnValues::kUpdatedNew}};
  if (!value) return ReturnValues::kNone;
  for (const auto& [name, mode] : kModes) {
    if (*value == name) return mode;
  }
  return ValidationError("1 validation error detected: Value '" + *value +
                         "' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: "
                         "[NONE, ALL_OLD, UPDATED_OLD, ALL_NEW, UPDATED_NEW]");
}

// The response's Attributes for `mode`, or nothing.
void WriteAttributes(JsonWriter& out, ReturnValues mode, const std::optional<UpdateExpression>& update,
                     const std::string& old_json, rapidjson::Document& item) {
  if (mode == ReturnValues::kNone || (mode == ReturnValues::kAllOld && old_json.empty())) return;
  if (mode == ReturnValues::kAllNew) {
    out.Key("Attributes");
    item.Accept(out);
    return;
  }
  if (mode == ReturnValues::kAllOld) {
    out.Key("Attributes");
    WriteItem(out, old_json, {});
    return;
  }
  rapidjson::Document old;
  if (!old_json.empty()) old.Parse(old_json.data(), old_json.size());
  const rapidjson::Value& source = mode == ReturnValues::kUpdatedOld ? old : item;
  if (!update || !source.IsObject()) return;
  rapidjson::Value part = ProjectPaths(source, update->paths(), item.GetAllocator());
  if (part.ObjectEmpty()) return;
  out.Key("Attributes");
  part.Accept(out);
}

}  // namespace

struct UpdateItemOp : FineGrainedTableOp<UpdateItemConditionKeys> {
  static constexpr const char* kName = "UpdateItem";
  struct Request : ItemRequest {
    ReturnValues mode = ReturnValues::kNone;
    bool old_on_failure = false;
  };
  static core::Status Read(const rapidjson::Value& body, Request& q) {
    RETURN_IF_ERROR(ReadItemRequest(body, q));
    q.legacy_error = TranslateLegacyParameters(kName, body, q.legacy);
    ASSIGN_OR_RETURN(q.mode, ReadReturnValues(body));
    ASSIGN_OR_RETURN(q.old_on_failure, ReadReturnOldOnFailure(body));
    return core::Status();
  }
  static core::Status Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out);
};
KMSLAB_DDB_OPERATION(UpdateItem);

KMSLAB_DDB_INNER_OPERATION(UpdateItem);

core::Status UpdateItemOp::Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out) {
  RETURN_IF_ERROR(Enveloped(s, q.legacy_error));
  const rapidjson::Value& request = *q.body;
  const ReturnValues mode = q.mode;
  const bool old_on_failure = q.old_on_failure;
  ASSIGN_OR_RETURN(std::shared_ptr<Table> table, TableForItems(s, call, q.table));
  ASSIGN_OR_RETURN(const rapidjson::Value* key_value, RequiredObject(request, "Key", "key"));
  RETURN_IF_ERROR(ValidateKey(table->definition, *key_value));
  ASSIGN_OR_RETURN(ExpressionContext context, Enveloped(s, ReadExpressionContext(q)));
  ASSIGN_OR_RETURN(std::optional<UpdateExpression> update, Enveloped(s, ReadUpdate(q, context)));
  ASSIGN_OR_RETURN(std::optional<Condition> condition,
                   Enveloped(s, ReadCondition(q, "ConditionExpression", context)));
  RETURN_IF_ERROR(Enveloped(s, context.CheckAllUsed()));
  if (update) RETURN_IF_ERROR(update->CheckKeyAttributes(KeyNames(table->definition)));
  RETURN_IF_ERROR(s.OpenTable(call, *table));

  const ItemKey key = KeyOf(table->definition, *key_value);
  std::string old_json, new_json;
  rapidjson::Document item;
  std::optional<uint64_t> ticket;
  {
    std::unique_lock<std::shared_mutex> lock(table->mu);
    if (table->deleted) return ResourceNotFound("Requested resource not found");
    const std::string* stored = FindItem(*table, key);
    if (!ConditionHolds(condition, stored)) return ConditionFailed(stored, old_on_failure);
    if (stored) {
      old_json = *stored;
      item.Parse(stored->data(), stored->size());
    } else {
      item.CopyFrom(*key_value, item.GetAllocator());
    }
    RETURN_IF_ERROR(q.legacy.UpdateError(ApplyUpdate(*table, update, item)));
    new_json = ToJson(item);
    ASSIGN_OR_RETURN(ticket, ApplyWrite(s, *table, key, new_json, ItemSizeBytes(item) - StoredSize(stored)));
  }
  RETURN_IF_ERROR(AwaitWrite(s, ticket));
  out.StartObject();
  WriteAttributes(out, mode, update, old_json, item);
  Consumed consumed;
  consumed.table = WriteUnits(std::max(ItemSizeBytes(item), StoredSize(old_json.empty() ? nullptr : &old_json)));
  if (q.capacity != CapacityReport::kNone) {
    AddIndexWrites(table->definition, IndexesOf(*table), old_json, new_json, consumed);
  }
  WriteItemCapacity(out, q, consumed);
  out.EndObject();
  return core::Status();
}

}  // namespace kmslab::ddb::ops
