// Item helpers shared by the item operations: key validation, expressions,
// projection and the write path.
#ifndef KMSLAB_DDB_OPS_ITEM_COMMON_H_
#define KMSLAB_DDB_OPS_ITEM_COMMON_H_

#include <optional>
#include <string>
#include <vector>

#include "ddb/condition_keys.h"
#include "ddb/document_path.h"
#include "ddb/expressions.h"
#include "ddb/item_changes.h"
#include "ddb/ops/capacity.h"
#include "ddb/ops/common.h"
#include "ddb/update_expression.h"
#include "store/records.h"

namespace kmslab::ddb::ops {

// An item operation on one table (OneTableOp) whose check carries the
// fine-grained condition keys `Keys` computes from the request and, when the
// table exists, its definition (condition_keys.h).
template <ConditionKeys (*Keys)(const rapidjson::Value&, const TableDefinition*)>
struct FineGrainedTableOp : OneTableOp {
  static core::Status Resolve(Service& s, const kms::CallContext& call, const TableRequest& request, Plan& plan) {
    const TableRef ref = ResolveTableRef(s, call, request.table);
    const std::shared_ptr<Table> table = FindRefTable(s, call, ref);
    // Legacy parameters count as the expressions they stand for.
    rapidjson::Document translated;
    if (request.legacy.translated()) translated = request.legacy.ExpressionRequest(*request.body);
    Keys(request.legacy.translated() ? translated : *request.body, table ? &table->definition : nullptr)
        .AddTo(plan.Require(ref.arn).context);
    return core::Status();
  }
};

// The request of a single-item operation (GetItem, PutItem, UpdateItem,
// DeleteItem): its table, and ReturnConsumedCapacity.
struct ItemRequest : TableRequest {
  CapacityReport capacity = CapacityReport::kNone;
};
// ReadItemTableRequest, then ReturnConsumedCapacity.
core::Status ReadItemRequest(const rapidjson::Value& body, ItemRequest& request);
// The response's ConsumedCapacity for `units`, when the request asked for it.
void WriteItemCapacity(JsonWriter& out, const ItemRequest& request, double units);
void WriteItemCapacity(JsonWriter& out, const ItemRequest& request, const Consumed& consumed);

// DynamoDB's item size limit (ItemSizeBytes).
constexpr int64_t kMaxItemBytes = 400 * 1024;

// How ValidateNewItem words a missing or mistyped key attribute: PutItem
// names it; BatchWriteItem says "The provided key element does not match the
// schema" (docs/spec/dynamodb.md section 3.2).
enum class KeyErrors { kNamed, kSchemaMismatch };
// A whole item for PutItem: valid values, the key attributes present with
// their declared types and non-empty, at most 400 KB.
// Then its secondary indexes' key attributes (indexes.h ValidateIndexKeys).
core::Status ValidateNewItem(const Table& table, const rapidjson::Value& item,
                             KeyErrors key_errors = KeyErrors::kNamed);
// A Key member: exactly the key attributes, with their declared types.
core::Status ValidateKey(const TableDefinition& definition, const rapidjson::Value& key);
// The ExpressionAttributeNames / ExpressionAttributeValues of `request` (a
// request body, or a BatchGetItem table entry).
core::StatusOr<ExpressionContext> ReadExpressionContext(const rapidjson::Value& request);
// The request's ExpressionAttributeNames / ExpressionAttributeValues, merged
// with those its legacy parameters' translation generated.
core::StatusOr<ExpressionContext> ReadExpressionContext(const TableRequest& request);
// The text of expression member `member` ("UpdateExpression" ...): the
// translation of the request's legacy parameters, else the member itself, or
// nullopt when neither is there.
core::StatusOr<std::optional<std::string>> ExpressionText(const TableRequest& request, const char* member);
// The named expression member parsed as a condition, or nullopt when absent.
core::StatusOr<std::optional<Condition>> ReadCondition(const TableRequest& request, const char* member,
                                                       ExpressionContext& context);
// ProjectionExpression's document paths; empty when absent (all attributes).
core::StatusOr<std::vector<internal::Path>> ReadProjection(const rapidjson::Value& request,
                                                           ExpressionContext& context);
// The same, or the translation of the request's AttributesToGet.
core::StatusOr<std::vector<internal::Path>> ReadProjection(const TableRequest& request, ExpressionContext& context);
// Writes the item (JSON text) whole, or only the parts at the projection's
// paths (nested maps keep the selected members, lists the selected elements).
void WriteItem(JsonWriter& out, const std::string& item_json, const std::vector<internal::Path>& projection);
// Writes only the table's key attributes of the item (LastEvaluatedKey).
void WriteItemKey(JsonWriter& out, const TableDefinition& definition, const std::string& item_json);
// ReturnValues: NONE (default) or ALL_OLD.
core::StatusOr<bool> ReadReturnAllOld(const rapidjson::Value& request);
// ReturnValuesOnConditionCheckFailure: NONE (default) or ALL_OLD.
core::StatusOr<bool> ReadReturnOldOnFailure(const rapidjson::Value& request);
// ConditionalCheckFailedException; with `return_old` and a stored item, the
// item (JSON text) goes with it as "Item", as DynamoDB sends it.
core::Status ConditionFailed(const std::string* stored, bool return_old);
// The request-validation envelope PutItem, UpdateItem and DeleteItem put
// around expression and parameter errors (reference section 0): with
// Options::validation_envelope, "1 validation error detected: " before a
// ValidationException's text; otherwise the status as is.
core::Status Enveloped(const Service& s, core::Status status);
template <typename T>
core::StatusOr<T> Enveloped(const Service& s, core::StatusOr<T> value) {
  if (value.ok()) return value;
  return Enveloped(s, value.status());
}
// Serializes a JSON value.
std::string ToJson(const rapidjson::Value& value);

// The stored item (JSON text) at `key`, or null. Requires table.mu held.
const std::string* FindItem(const Table& table, const ItemKey& key);
// Checks `condition` (none: true) against the stored item (null when none).
bool ConditionHolds(const std::optional<Condition>& condition, const std::string* stored);
// The ItemSizeBytes of a stored item (JSON text); 0 for null.
int64_t StoredSize(const std::string* json);

// The table's key attribute names (partition key, then sort key if any).
std::vector<std::string> KeyNames(const TableDefinition& definition);
// UpdateExpression parsed, or nullopt when absent.
core::StatusOr<std::optional<UpdateExpression>> ReadUpdate(const TableRequest& request, ExpressionContext& context);
// Turns `item` (the stored item, or the key alone) into the item after the
// update, validated as PutItem validates items.
core::Status ApplyUpdate(const Table& table, const std::optional<UpdateExpression>& update,
                         rapidjson::Document& item);

// A put (`item_json` non-empty) or delete of the item at `key`, sealed for
// the store but not yet applied: a transaction seals all of its writes
// before it changes anything.
struct SealedWrite {
  Table* table = nullptr;
  ItemKey key;
  std::string item_json;
  int64_t size_delta = 0;
  store::DdbItemWrite row;
  WriteOrigin origin = WriteOrigin::kCaller;
};
// Seals the write; changes nothing. Requires table.mu held.
core::StatusOr<SealedWrite> SealWrite(Table& table, const ItemKey& key, const std::string& item_json,
                                      int64_t size_delta);
// Applies every write in memory and queues them for the store as one commit
// (never split: a crash keeps all or none); requires each write's table.mu
// held exclusively. Returns the store ticket to await after unlocking, or
// nullopt when there is nothing to write.
std::optional<uint64_t> ApplyWrites(Service& s, std::vector<SealedWrite> writes);
// Applies a put (`item_json` non-empty) or delete of the item at `key` in
// memory and queues it for the store; requires table.mu held exclusively.
// Returns the store ticket to await after unlocking.
core::StatusOr<uint64_t> ApplyWrite(Service& s, Table& table, const ItemKey& key, const std::string& item_json,
                                    int64_t size_delta, WriteOrigin origin = WriteOrigin::kCaller);
// Waits, after unlocking the table, for the store to hold the write of
// `ticket` (none: nothing to wait for).
core::Status AwaitWrite(Service& s, std::optional<uint64_t> ticket);

}  // namespace kmslab::ddb::ops

#endif  // KMSLAB_DDB_OPS_ITEM_COMMON_H_
