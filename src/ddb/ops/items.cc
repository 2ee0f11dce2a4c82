// PutItem, GetItem, DeleteItem.
#include <mutex>

#include "ddb/attribute_value.h"
#include "ddb/indexes.h"
#include "ddb/operations.h"
#include "ddb/ops/item_common.h"
#include "ddb/ops/item_ops.h"

namespace kmslab::ddb::ops {

namespace {

// Puts `json` (or deletes, when empty) at `key` if `condition` holds for the
// stored item, answering {} or {"Attributes": old item}.
// With `old_on_failure`, a failed condition carries the stored item.
core::Status ConditionalWrite(Service& s, const ItemRequest& q, Table& table, const ItemKey& key,
                              const std::string& json, int64_t size, const std::optional<Condition>& condition,
                              bool return_old, bool old_on_failure, JsonWriter& out) {
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
  Consumed consumed;
  consumed.table = WriteUnits(std::max(size, StoredSize(old.empty() ? nullptr : &old)));
  if (q.capacity != CapacityReport::kNone) AddIndexWrites(table.definition, IndexesOf(table), old, json, consumed);
  WriteItemCapacity(out, q, consumed);
  out.EndObject();
  return core::Status();
}

}  // namespace

struct PutItemOp : FineGrainedTableOp<PutItemConditionKeys> {
  static constexpr const char* kName = "PutItem";
  using Request = ItemRequest;
  static core::Status Read(const rapidjson::Value& body, Request& q) {
    RETURN_IF_ERROR(ReadItemRequest(body, q));
    q.legacy_error = TranslateLegacyParameters(kName, body, q.legacy);
    return core::Status();
  }
  static core::Status Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out) {
    RETURN_IF_ERROR(Enveloped(s, q.legacy_error));
    const rapidjson::Value& request = *q.body;
    ASSIGN_OR_RETURN(std::shared_ptr<Table> table, TableForItems(s, call, q.table));
    ASSIGN_OR_RETURN(const rapidjson::Value* item, RequiredObject(request, "Item", "item"));
    RETURN_IF_ERROR(ValidateNewItem(*table, *item));
    ASSIGN_OR_RETURN(ExpressionContext context, Enveloped(s, ReadExpressionContext(q)));
    ASSIGN_OR_RETURN(std::optional<Condition> condition,
                     Enveloped(s, ReadCondition(q, "ConditionExpression", context)));
    RETURN_IF_ERROR(Enveloped(s, context.CheckAllUsed()));
    ASSIGN_OR_RETURN(bool return_old, ReadReturnAllOld(request));
    ASSIGN_OR_RETURN(bool old_on_failure, ReadReturnOldOnFailure(request));
    RETURN_IF_ERROR(s.OpenTable(call, *table));
    return ConditionalWrite(s, q, *table, KeyOf(table->definition, *item), ToJson(*item), ItemSizeBytes(*item),
                            condition, return_old, old_on_failure, out);
  }
};
KMSLAB_DDB_OPERATION(PutItem);

KMSLAB_DDB_INNER_OPERATION(PutItem);

struct GetItemOp : FineGrainedTableOp<GetItemConditionKeys> {
  static constexpr const char* kName = "GetItem";
  struct Request : ItemRequest {
    bool consistent_read = false;
  };
  static core::Status Read(const rapidjson::Value& body, Request& q) {
    RETURN_IF_ERROR(ReadItemRequest(body, q));
    ASSIGN_OR_RETURN(q.consistent_read, OptionalBool(body, "ConsistentRead"));
    return TranslateLegacyParameters(kName, body, q.legacy);
  }
  static core::Status Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out) {
    const rapidjson::Value& request = *q.body;
    ASSIGN_OR_RETURN(std::shared_ptr<Table> table, TableForItems(s, call, q.table));
    ASSIGN_OR_RETURN(const rapidjson::Value* key_value, RequiredObject(request, "Key", "key"));
    RETURN_IF_ERROR(ValidateKey(table->definition, *key_value));
    ASSIGN_OR_RETURN(ExpressionContext context, ReadExpressionContext(q));
    ASSIGN_OR_RETURN(std::vector<internal::Path> projection, ReadProjection(q, context));
    RETURN_IF_ERROR(context.CheckAllUsed());
    RETURN_IF_ERROR(s.OpenTable(call, *table));

    const ItemKey key = KeyOf(table->definition, *key_value);
    std::shared_lock<std::shared_mutex> lock(table->mu);
    if (table->deleted) return ResourceNotFound("Requested resource not found");
    out.StartObject();
    const std::string* stored = FindItem(*table, key);
    if (stored) {
      out.Key("Item");
      WriteItem(out, *stored, projection);
    }
    WriteItemCapacity(out, q, ReadUnits(StoredSize(stored), q.consistent_read));
    out.EndObject();
    return core::Status();
  }
};
KMSLAB_DDB_OPERATION(GetItem);

KMSLAB_DDB_INNER_OPERATION(GetItem);

struct DeleteItemOp : FineGrainedTableOp<DeleteItemConditionKeys> {
  static constexpr const char* kName = "DeleteItem";
  using Request = ItemRequest;
  static core::Status Read(const rapidjson::Value& body, Request& q) {
    RETURN_IF_ERROR(ReadItemRequest(body, q));
    q.legacy_error = TranslateLegacyParameters(kName, body, q.legacy);
    return core::Status();
  }
  static core::Status Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out) {
    RETURN_IF_ERROR(Enveloped(s, q.legacy_error));
    const rapidjson::Value& request = *q.body;
    ASSIGN_OR_RETURN(std::shared_ptr<Table> table, TableForItems(s, call, q.table));
    ASSIGN_OR_RETURN(const rapidjson::Value* key_value, RequiredObject(request, "Key", "key"));
    RETURN_IF_ERROR(ValidateKey(table->definition, *key_value));
    ASSIGN_OR_RETURN(ExpressionContext context, Enveloped(s, ReadExpressionContext(q)));
    ASSIGN_OR_RETURN(std::optional<Condition> condition,
                     Enveloped(s, ReadCondition(q, "ConditionExpression", context)));
    RETURN_IF_ERROR(Enveloped(s, context.CheckAllUsed()));
    ASSIGN_OR_RETURN(bool return_old, ReadReturnAllOld(request));
    ASSIGN_OR_RETURN(bool old_on_failure, ReadReturnOldOnFailure(request));
    RETURN_IF_ERROR(s.OpenTable(call, *table));
    return ConditionalWrite(s, q, *table, KeyOf(table->definition, *key_value), "", 0, condition, return_old,
                            old_on_failure, out);
  }
};
KMSLAB_DDB_OPERATION(DeleteItem);

KMSLAB_DDB_INNER_OPERATION(DeleteItem);

}  // namespace kmslab::ddb::ops
