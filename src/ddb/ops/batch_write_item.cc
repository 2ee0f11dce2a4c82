// BatchWriteItem (docs/spec/dynamodb.md section 3.2): up to 25 puts and
// deletes across tables, each written as PutItem / DeleteItem write (no
// conditions, no return values). Every request is checked before anything is
// written, so a bad one changes nothing.
#include <algorithm>
#include <mutex>

#include "ddb/attribute_value.h"
#include "ddb/indexes.h"
#include "ddb/operations.h"
#include "ddb/ops/batch_common.h"
#include "ddb/ops/capacity.h"
#include "ddb/ops/item_common.h"

namespace kmslab::ddb::ops {

namespace {

constexpr size_t kMaxRequests = 25;

// RequestItems as the length error shows it, `{t=[PutRequest, DeleteRequest]}`:
// the kinds of requests only, never their items (error messages reach the trail).
std::string RequestItemsText(const rapidjson::Value& items) {
  std::string text = "{";
  for (const auto& m : items.GetObject()) {
    if (text.size() > 1) text += ", ";
    text.append(m.name.GetString(), m.name.GetStringLength()).append("=[");
    bool first = true;
    for (const rapidjson::Value& request : m.value.GetArray()) {
      if (!first) text += ", ";
      first = false;
      text += request.IsObject() && FindMember(request, "DeleteRequest") ? "DeleteRequest" : "PutRequest";
    }
    text += "]";
  }
  return text + "}";
}

// One put (json non-empty) or delete, checked against its table.
struct Write {
  size_t entry = 0;  // which RequestItems entry it came from
  ItemKey key;
  std::string json;
  int64_t size = 0;
};

// A WriteRequest: exactly one of PutRequest {Item} and DeleteRequest {Key},
// valid for `table` as PutItem and DeleteItem check theirs.
core::StatusOr<Write> ReadWrite(const Table& table, const rapidjson::Value& request) {
  if (!request.IsObject()) return SerializationError("Start of structure or map expected for WriteRequest");
  ASSIGN_OR_RETURN(const rapidjson::Value* put, OptionalObject(request, "PutRequest"));
  ASSIGN_OR_RETURN(const rapidjson::Value* remove, OptionalObject(request, "DeleteRequest"));
  if ((put == nullptr) == (remove == nullptr)) {
    return ValidationError(
        "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported "
        "datatypes");
  }
  const TableDefinition& d = table.definition;
  Write w;
  if (put) {
    ASSIGN_OR_RETURN(const rapidjson::Value* item, RequiredObject(*put, "Item", "item"));
    RETURN_IF_ERROR(ValidateNewItem(table, *item, KeyErrors::kSchemaMismatch));
    w.key = KeyOf(d, *item);
    w.json = ToJson(*item);
    w.size = ItemSizeBytes(*item);
  } else {
    ASSIGN_OR_RETURN(const rapidjson::Value* key, RequiredObject(*remove, "Key", "key"));
    RETURN_IF_ERROR(ValidateKey(d, *key));
    w.key = KeyOf(d, *key);
  }
  return w;
}

// Applies `writes` (all of one table) under the table's lock, adding their
// capacity units to `units` (with the indexes' when `index_units`) and their
// store tickets to `tickets`.
core::Status ApplyEntryWrites(Service& s, Table& table, const std::vector<const Write*>& writes, bool index_units,
                              Consumed& units, std::vector<uint64_t>& tickets) {
  const IndexList indexes = index_units ? IndexesOf(table) : nullptr;
  std::unique_lock<std::shared_mutex> lock(table.mu);
  if (table.deleted) return ResourceNotFound("Requested resource not found");
  for (const Write* w : writes) {
    const std::string* stored = FindItem(table, w->key);
    const int64_t old_size = StoredSize(stored);
    units.table += WriteUnits(std::max(old_size, w->size));
    if (indexes) AddIndexWrites(table.definition, indexes, stored ? *stored : std::string(), w->json, units);
    if (!stored && w->json.empty()) continue;  // deleting nothing
    ASSIGN_OR_RETURN(uint64_t ticket, ApplyWrite(s, table, w->key, w->json, w->size - old_size));
    tickets.push_back(ticket);
  }
  return core::Status();
}

}  // namespace

struct BatchWriteItemOp : BatchOp<BatchWriteItemConditionKeys> {
  static constexpr const char* kName = "BatchWriteItem";
  struct Request : BatchRequest {
    CapacityReport report = CapacityReport::kNone;
  };
  static core::Status Read(const rapidjson::Value& body, Request& q) {
    RETURN_IF_ERROR(ReadBatchRequest(body, kName, q));
    size_t total = 0;
    bool out_of_range = false;
    for (const auto& m : q.items->GetObject()) {
      if (!m.value.IsArray()) return SerializationError("Start of list expected for RequestItems");
      out_of_range = out_of_range || m.value.Empty() || m.value.Size() > kMaxRequests;
      total += m.value.Size();
    }
    if (out_of_range) {
      return ValidationError("1 validation error detected: Value '" + RequestItemsText(*q.items) +
                             "' at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: "
                             "[Member must have length less than or equal to 25, Member must have length greater "
                             "than or equal to 1]");
    }
    if (total > kMaxRequests) return ValidationError("Too many items requested for the BatchWriteItem call");
    ASSIGN_OR_RETURN(q.report, ReadCapacityReport(body));
    return CheckReturnItemCollectionMetrics(body);
  }
  static core::Status Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out);
};
KMSLAB_DDB_OPERATION(BatchWriteItem);

core::Status BatchWriteItemOp::Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out) {
  std::vector<std::string> sent;
  std::vector<std::shared_ptr<Table>> tables;
  for (const auto& m : q.items->GetObject()) {
    sent.emplace_back(m.name.GetString(), m.name.GetStringLength());
    ASSIGN_OR_RETURN(std::shared_ptr<Table> table, TableForItems(s, call, sent.back()));
    tables.push_back(std::move(table));
  }
  std::vector<Write> writes;
  SeenKeys seen;
  size_t entry = 0;
  for (const auto& m : q.items->GetObject()) {
    for (const rapidjson::Value& request : m.value.GetArray()) {
      ASSIGN_OR_RETURN(Write w, ReadWrite(*tables[entry], request));
      RETURN_IF_ERROR(seen.Add(*tables[entry], w.key));
      w.entry = entry;
      writes.push_back(std::move(w));
    }
    ++entry;
  }
  RETURN_IF_ERROR(OpenTables(s, call, tables));

  // Each entry's writes under its table's lock; the store is awaited after
  // unlocking, for every write applied even when a later one failed.
  std::vector<Consumed> units(tables.size());
  std::vector<uint64_t> tickets;
  core::Status applied;
  for (size_t i = 0; i < tables.size() && applied.ok(); ++i) {
    std::vector<const Write*> of_entry;
    for (const Write& w : writes)
      if (w.entry == i) of_entry.push_back(&w);
    applied = ApplyEntryWrites(s, *tables[i], of_entry, q.report != CapacityReport::kNone, units[i], tickets);
  }
  for (uint64_t ticket : tickets) RETURN_IF_ERROR(AwaitWrite(s, ticket));
  RETURN_IF_ERROR(applied);

  out.StartObject();
  out.Key("UnprocessedItems");
  out.StartObject();
  out.EndObject();
  if (q.report != CapacityReport::kNone) {
    out.Key("ConsumedCapacity");
    out.StartArray();
    for (size_t i = 0; i < tables.size(); ++i) WriteConsumedCapacity(out, q.report, sent[i], units[i]);
    out.EndArray();
  }
  out.EndObject();
  return core::Status();
}

}  // namespace kmslab::ddb::ops
