// PutItem, GetItem, DeleteItem.
#include <mutex>

#include "ddb/attribute_value.h"
#include "ddb/operations.h"
#include "ddb/ops/item_common.h"

namespace kmslab::ddb::ops {

namespace {

// Puts `json` (or deletes, when empty) at `key` if `condition` holds for the
// stored item, answering {} or {"Attributes": old item}.
// With `old_on_failure`, a failed condition carries the stored item.
core::Status ConditionalWrite(Service& s, Table& table, const ItemKey& key, const std::string& json, int64_t size,
                              const std::optional<Condition>& condition, bool return_old, bool old_on_failure,
                              JsonWriter& out) {
  std::string old;
  std::optional<uint64_t> ticket;
  {
    std::unique_lock<std::shared_mutex> lock(table.mu);
    if (table.deleted) return ResourceNotFound("Requested resource not found");
    const std::string* stored = FindItem(table, key);
    if (!ConditionHolds(condition, stored)) return ConditionFailed(stored, old_on_failure);
    if (stored) old = *stored;
    if (stored || !json.empty()) {
      ASSIGN_OR_RETURN(ticket, ApplyWrite(s, table, key, json, size - StoredSize(stored)));
    }
  }
  RETURN_IF_ERROR(AwaitWrite(s, ticket));
  out.StartObject();
  if (return_old && !old.empty()) {
    out.Key("Attributes");
    WriteItem(out, old, {});
  }
  out.EndObject();
  return core::Status();
}

}  // namespace

core::Status PutItem(Service& s, const kms::CallContext& call, const rapidjson::Value& request, JsonWriter& out) {
  ASSIGN_OR_RETURN(std::string name, RequiredName(request, "TableName", "tableName"));
  RETURN_IF_ERROR(RejectUnsupported(request, {"Expected", "ConditionalOperator"}, "PutItem"));
  ASSIGN_OR_RETURN(std::shared_ptr<Table> table, TableForItems(s, call, name, "dynamodb:PutItem"));
  ASSIGN_OR_RETURN(const rapidjson::Value* item, RequiredObject(request, "Item", "item"));
  RETURN_IF_ERROR(ValidateNewItem(table->definition, *item));
  ASSIGN_OR_RETURN(ExpressionContext context, ReadExpressionContext(request));
  ASSIGN_OR_RETURN(std::optional<Condition> condition, ReadCondition(request, "ConditionExpression", context));
  RETURN_IF_ERROR(context.CheckAllUsed());
  ASSIGN_OR_RETURN(bool return_old, ReadReturnAllOld(request));
  ASSIGN_OR_RETURN(bool old_on_failure, ReadReturnOldOnFailure(request));
  RETURN_IF_ERROR(s.OpenTable(call, *table));
  return ConditionalWrite(s, *table, KeyOf(table->definition, *item), ToJson(*item), ItemSizeBytes(*item), condition,
                          return_old, old_on_failure, out);
}

core::Status GetItem(Service& s, const kms::CallContext& call, const rapidjson::Value& request, JsonWriter& out) {
  ASSIGN_OR_RETURN(std::string name, RequiredName(request, "TableName", "tableName"));
  RETURN_IF_ERROR(RejectUnsupported(request, {"AttributesToGet"}, "GetItem"));
  ASSIGN_OR_RETURN(std::shared_ptr<Table> table, TableForItems(s, call, name, "dynamodb:GetItem"));
  ASSIGN_OR_RETURN(const rapidjson::Value* key_value, RequiredObject(request, "Key", "key"));
  RETURN_IF_ERROR(ValidateKey(table->definition, *key_value));
  ASSIGN_OR_RETURN(ExpressionContext context, ReadExpressionContext(request));
  ASSIGN_OR_RETURN(std::vector<std::string> projection, ReadProjection(request, context));
  RETURN_IF_ERROR(context.CheckAllUsed());
  RETURN_IF_ERROR(s.OpenTable(call, *table));

  const ItemKey key = KeyOf(table->definition, *key_value);
  std::shared_lock<std::shared_mutex> lock(table->mu);
  if (table->deleted) return ResourceNotFound("Requested resource not found");
  out.StartObject();
  if (const std::string* stored = FindItem(*table, key)) {
    out.Key("Item");
    WriteItem(out, *stored, projection);
  }
  out.EndObject();
  return core::Status();
}

core::Status DeleteItem(Service& s, const kms::CallContext& call, const rapidjson::Value& request, JsonWriter& out) {
  ASSIGN_OR_RETURN(std::string name, RequiredName(request, "TableName", "tableName"));
  RETURN_IF_ERROR(RejectUnsupported(request, {"Expected", "ConditionalOperator"}, "DeleteItem"));
  ASSIGN_OR_RETURN(std::shared_ptr<Table> table, TableForItems(s, call, name, "dynamodb:DeleteItem"));
  ASSIGN_OR_RETURN(const rapidjson::Value* key_value, RequiredObject(request, "Key", "key"));
  RETURN_IF_ERROR(ValidateKey(table->definition, *key_value));
  ASSIGN_OR_RETURN(ExpressionContext context, ReadExpressionContext(request));
  ASSIGN_OR_RETURN(std::optional<Condition> condition, ReadCondition(request, "ConditionExpression", context));
  RETURN_IF_ERROR(context.CheckAllUsed());
  ASSIGN_OR_RETURN(bool return_old, ReadReturnAllOld(request));
  ASSIGN_OR_RETURN(bool old_on_failure, ReadReturnOldOnFailure(request));
  RETURN_IF_ERROR(s.OpenTable(call, *table));
  return ConditionalWrite(s, *table, KeyOf(table->definition, *key_value), "", 0, condition, return_old,
                          old_on_failure, out);
}

}  // namespace kmslab::ddb::ops
