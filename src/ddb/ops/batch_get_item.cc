// BatchGetItem (docs/spec/dynamodb.md section 3.1): up to 100 keys across
// tables, each read as GetItem reads it; once the response would pass 16 MB,
// the remaining keys go back as UnprocessedKeys in request form.
#include <mutex>

#include "ddb/attribute_value.h"
#include "ddb/operations.h"
#include "ddb/ops/batch_common.h"
#include "ddb/ops/capacity.h"
#include "ddb/ops/item_common.h"

namespace kmslab::ddb::ops {

namespace {

constexpr size_t kMaxKeys = 100;
constexpr int64_t kMaxResponseBytes = 16 * 1024 * 1024;

// The members of a KeysAndAttributes that UnprocessedKeys echoes besides Keys.
constexpr const char* kEchoedMembers[] = {"ProjectionExpression", "ExpressionAttributeNames", "AttributesToGet",
                                          "ConsistentRead"};

// The shape of the KeysAndAttributes of table `sent`: Keys a list of 1-100
// maps, ConsistentRead a boolean. Returns the number of keys.
core::StatusOr<size_t> ReadKeysShape(std::string_view sent, const rapidjson::Value& entry) {
  if (!entry.IsObject()) return SerializationError("Start of structure or map expected for RequestItems");
  const std::string at = " at 'RequestItems." + std::string(sent) + ".member.Keys' failed to satisfy constraint: ";
  const rapidjson::Value* keys = FindMember(entry, "Keys");
  if (!keys) return ValidationError("1 validation error detected: Value null" + at + "Member must not be null");
  if (!keys->IsArray()) return SerializationError("Start of list expected for Keys");
  if (keys->Empty()) {
    return ValidationError("1 validation error detected: Value" + at + "Member must have length greater than or equal to 1");
  }
  if (keys->Size() > kMaxKeys) {
    return ValidationError("1 validation error detected: Value" + at + "Member must have length less than or equal to 100");
  }
  for (const rapidjson::Value& key : keys->GetArray()) {
    if (!key.IsObject()) return SerializationError("Start of structure or map expected for Keys");
  }
  const rapidjson::Value* consistent = FindMember(entry, "ConsistentRead");
  if (consistent && !consistent->IsBool()) return SerializationError("Unexpected value type for ConsistentRead");
  return static_cast<size_t>(keys->Size());
}

// One RequestItems entry, checked against its table.
struct TableRead {
  std::string sent;                       // the RequestItems key: responses are keyed by it
  const rapidjson::Value* entry = nullptr;  // its KeysAndAttributes
  std::shared_ptr<Table> table;
  std::vector<internal::Path> projection;
  bool consistent = false;
  double units = 0;
  std::vector<const rapidjson::Value*> unprocessed;  // keys left for the next call
};

// Writes UnprocessedKeys: each table's keys left over, with the members that
// shape its reads, so the object can be sent back as RequestItems.
void WriteUnprocessed(JsonWriter& out, const std::vector<TableRead>& reads) {
  out.Key("UnprocessedKeys");
  out.StartObject();
  for (const TableRead& r : reads) {
    if (r.unprocessed.empty()) continue;
    out.Key(r.sent.data(), static_cast<rapidjson::SizeType>(r.sent.size()));
    out.StartObject();
    out.Key("Keys");
    out.StartArray();
    for (const rapidjson::Value* key : r.unprocessed) key->Accept(out);
    out.EndArray();
    for (const char* member : kEchoedMembers) {
      if (const rapidjson::Value* v = FindMember(*r.entry, member)) {
        out.Key(member);
        v->Accept(out);
      }
    }
    out.EndObject();
  }
  out.EndObject();
}

}  // namespace

struct BatchGetItemOp : BatchOp<BatchGetItemConditionKeys> {
  static constexpr const char* kName = "BatchGetItem";
  struct Request : BatchRequest {
    CapacityReport report = CapacityReport::kNone;
  };
  static core::Status Read(const rapidjson::Value& body, Request& q) {
    RETURN_IF_ERROR(ReadBatchRequest(body, kName, q));
    size_t total = 0;
    for (const auto& m : q.items->GetObject()) {
      ASSIGN_OR_RETURN(size_t keys, ReadKeysShape(std::string_view(m.name.GetString(), m.name.GetStringLength()),
                                                  m.value));
      total += keys;
    }
    if (total > kMaxKeys) return ValidationError("Too many items requested for the BatchGetItem call");
    ASSIGN_OR_RETURN(q.report, ReadCapacityReport(body));
    return core::Status();
  }
  static core::Status Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out);
};
KMSLAB_DDB_OPERATION(BatchGetItem);

core::Status BatchGetItemOp::Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out) {
  // Expressions first (they need no table), then the tables, then the keys.
  std::vector<TableRead> reads;
  for (const auto& m : q.items->GetObject()) {
    TableRead& r = reads.emplace_back();
    r.sent.assign(m.name.GetString(), m.name.GetStringLength());
    r.entry = &m.value;
    // An entry reads as a GetItem does, AttributesToGet as the projection it stands for.
    TableRequest as_get;
    as_get.body = &m.value;
    RETURN_IF_ERROR(TranslateLegacyParameters("GetItem", m.value, as_get.legacy));
    ASSIGN_OR_RETURN(ExpressionContext context, ReadExpressionContext(as_get));
    ASSIGN_OR_RETURN(r.projection, ReadProjection(as_get, context));
    RETURN_IF_ERROR(context.CheckAllUsed());
    if (const rapidjson::Value* v = FindMember(m.value, "ConsistentRead")) r.consistent = v->GetBool();
  }
  std::vector<std::shared_ptr<Table>> tables;
  for (TableRead& r : reads) {
    ASSIGN_OR_RETURN(r.table, TableForItems(s, call, r.sent));
    tables.push_back(r.table);
  }
  SeenKeys seen;
  for (const TableRead& r : reads) {
    for (const rapidjson::Value& key : (*r.entry)["Keys"].GetArray()) {
      RETURN_IF_ERROR(ValidateKey(r.table->definition, key));
      RETURN_IF_ERROR(seen.Add(*r.table, KeyOf(r.table->definition, key)));
    }
  }
  RETURN_IF_ERROR(OpenTables(s, call, tables));

  out.StartObject();
  out.Key("Responses");
  out.StartObject();
  int64_t budget = kMaxResponseBytes;
  bool full = false;
  for (TableRead& r : reads) {
    out.Key(r.sent.data(), static_cast<rapidjson::SizeType>(r.sent.size()));
    out.StartArray();
    std::shared_lock<std::shared_mutex> lock(r.table->mu);
    if (r.table->deleted) return ResourceNotFound("Requested resource not found");
    for (const rapidjson::Value& key : (*r.entry)["Keys"].GetArray()) {
      const std::string* stored = full ? nullptr : FindItem(*r.table, KeyOf(r.table->definition, key));
      const int64_t size = StoredSize(stored);
      full = full || size > budget;
      if (full) {
        r.unprocessed.push_back(&key);
        continue;
      }
      budget -= size;
      r.units += ReadUnits(size, r.consistent);
      if (stored) WriteItem(out, *stored, r.projection);
    }
    out.EndArray();
  }
  out.EndObject();
  WriteUnprocessed(out, reads);
  if (q.report != CapacityReport::kNone) {
    out.Key("ConsumedCapacity");
    out.StartArray();
    for (const TableRead& r : reads) WriteConsumedCapacity(out, q.report, r.sent, r.units);
    out.EndArray();
  }
  out.EndObject();
  return core::Status();
}

}  // namespace kmslab::ddb::ops
