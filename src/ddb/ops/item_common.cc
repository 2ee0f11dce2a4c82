#include "ddb/ops/item_common.h"

#include <algorithm>

#include "ddb/attribute_value.h"
#include "ddb/indexes.h"
#include "ddb/table_stats.h"
#include "ddb/update_expression.h"

namespace kmslab::ddb::ops {

namespace {
const std::string kInvalid = "One or more parameter values were invalid: ";

// The size DynamoDB counts for a key value: S its UTF-8 bytes, B its decoded
// bytes (it travels as base64), N its text.
size_t KeyValueBytes(const rapidjson::Value& value) {
  const rapidjson::Value& scalar = value.MemberBegin()->value;
  const size_t length = scalar.GetStringLength();
  if (value.MemberBegin()->name != "B") return length;
  const char* text = scalar.GetString();
  size_t padding = 0;
  for (size_t i = length; i > 0 && text[i - 1] == '='; --i) ++padding;
  return length / 4 * 3 - std::min<size_t>(padding, 2);
}

// Partition keys are at most 2048 bytes, sort keys 1024 (reference section 12.1).
core::Status CheckKeySize(const TableDefinition& d, const std::string& name, const rapidjson::Value& value) {
  if (name == d.hash_name && KeyValueBytes(value) > 2048) {
    return ValidationError(kInvalid + "Size of hashkey has exceeded the maximum size limit of2048 bytes");
  }
  if (name == d.range_name && KeyValueBytes(value) > 1024) {
    return ValidationError(kInvalid + "Aggregated size of all range keys has exceeded the size limit of 1024 bytes");
  }
  return core::Status();
}
}  // namespace

core::Status ReadItemRequest(const rapidjson::Value& body, ItemRequest& request) {
  RETURN_IF_ERROR(ReadItemTableRequest(body, request));
  ASSIGN_OR_RETURN(request.capacity, ReadCapacityReport(body));
  return core::Status();
}

void WriteItemCapacity(JsonWriter& out, const ItemRequest& request, double units) {
  Consumed consumed;
  consumed.table = units;
  WriteItemCapacity(out, request, consumed);
}

void WriteItemCapacity(JsonWriter& out, const ItemRequest& request, const Consumed& consumed) {
  if (request.capacity == CapacityReport::kNone) return;
  out.Key("ConsumedCapacity");
  WriteConsumedCapacity(out, request.capacity, request.table, consumed);
}

core::Status Enveloped(const Service& s, core::Status status) {
  if (status.ok() || !s.options().validation_envelope || status.aws_type() != "ValidationException") return status;
  return ValidationError("1 validation error detected: " + status.message());
}

std::string ToJson(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  value.Accept(w);
  return std::string(buffer.GetString(), buffer.GetSize());
}

core::Status ValidateNewItem(const Table& table, const rapidjson::Value& item, KeyErrors key_errors) {
  const TableDefinition& d = table.definition;
  RETURN_IF_ERROR(ValidateItem(item));
  const bool named = key_errors == KeyErrors::kNamed;
  const core::Status mismatch = ValidationError("The provided key element does not match the schema");
  for (const std::string* name : {&d.hash_name, &d.range_name}) {
    if (name->empty()) continue;
    const rapidjson::Value* v = FindMember(item, name->c_str());
    if (!v) return named ? ValidationError(kInvalid + "Missing the key " + *name + " in the item") : mismatch;
    const std::string expected = d.TypeOf(*name);
    const std::string_view actual = TypeOf(*v);
    if (actual != expected) {
      if (!named) return mismatch;
      return ValidationError(kInvalid + "Type mismatch for key " + *name + " expected: " + expected +
                             " actual: " + std::string(actual));
    }
    if (v->MemberBegin()->value.GetStringLength() == 0) {
      return ValidationError(
          "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an "
          "empty " +
          std::string(expected == "B" ? "binary" : "string") + " value. Key: " + *name);
    }
    RETURN_IF_ERROR(CheckKeySize(d, *name, *v));
  }
  if (IndexList indexes = IndexesOf(table)) RETURN_IF_ERROR(ValidateIndexKeys(*indexes, item));
  if (ItemSizeBytes(item) > kMaxItemBytes) return ValidationError("Item size has exceeded the maximum allowed size");
  return core::Status();
}

core::Status ValidateKey(const TableDefinition& d, const rapidjson::Value& key) {
  RETURN_IF_ERROR(ValidateItem(key));
  const core::Status mismatch = ValidationError("The provided key element does not match the schema");
  const size_t wanted = d.range_name.empty() ? 1 : 2;
  if (key.MemberCount() != wanted) return mismatch;
  for (const std::string* name : {&d.hash_name, &d.range_name}) {
    if (name->empty()) continue;
    const rapidjson::Value* v = FindMember(key, name->c_str());
    if (!v || TypeOf(*v) != d.TypeOf(*name)) return mismatch;
    if (v->MemberBegin()->value.GetStringLength() == 0) {
      return ValidationError(
          "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an "
          "empty string value. Key: " +
          *name);
    }
    RETURN_IF_ERROR(CheckKeySize(d, *name, *v));
  }
  return core::Status();
}

core::StatusOr<ExpressionContext> ReadExpressionContext(const rapidjson::Value& request) {
  ASSIGN_OR_RETURN(const rapidjson::Value* names, OptionalObject(request, "ExpressionAttributeNames"));
  ASSIGN_OR_RETURN(const rapidjson::Value* values, OptionalObject(request, "ExpressionAttributeValues"));
  return ExpressionContext::Create(names, values);
}

core::StatusOr<ExpressionContext> ReadExpressionContext(const TableRequest& request) {
  ASSIGN_OR_RETURN(ExpressionContext context, ReadExpressionContext(*request.body));
  if (!request.legacy.translated()) return context;
  return ExpressionContext(request.legacy.names(), request.legacy.values());
}

core::StatusOr<std::optional<std::string>> ExpressionText(const TableRequest& request, const char* member) {
  if (const std::string* text = request.legacy.Expression(member)) return std::optional<std::string>(*text);
  return OptionalString(*request.body, member);
}

core::StatusOr<std::optional<Condition>> ReadCondition(const TableRequest& request, const char* member,
                                                       ExpressionContext& context) {
  ASSIGN_OR_RETURN(std::optional<std::string> text, ExpressionText(request, member));
  if (!text) return std::optional<Condition>();
  ASSIGN_OR_RETURN(Condition condition, Condition::Parse(*text, context, member));
  return std::optional<Condition>(std::move(condition));
}

core::StatusOr<std::vector<internal::Path>> ReadProjection(const rapidjson::Value& request,
                                                           ExpressionContext& context) {
  ASSIGN_OR_RETURN(std::optional<std::string> text, OptionalString(request, "ProjectionExpression"));
  if (!text) return std::vector<internal::Path>();
  return ParseProjection(*text, context);
}

core::StatusOr<std::vector<internal::Path>> ReadProjection(const TableRequest& request, ExpressionContext& context) {
  const std::string* legacy = request.legacy.Expression("ProjectionExpression");
  if (!legacy) return ReadProjection(*request.body, context);
  return ParseProjection(*legacy, context);
}

void WriteItem(JsonWriter& out, const std::string& item_json, const std::vector<internal::Path>& projection) {
  if (projection.empty()) {
    out.RawValue(item_json.data(), item_json.size(), rapidjson::kObjectType);
    return;
  }
  rapidjson::Document item;
  item.Parse(item_json.data(), item_json.size());
  ProjectPaths(item, projection, item.GetAllocator()).Accept(out);
}

void WriteItemKey(JsonWriter& out, const TableDefinition& d, const std::string& item_json) {
  rapidjson::Document item;
  item.Parse(item_json.data(), item_json.size());
  out.StartObject();
  for (const std::string* name : {&d.hash_name, &d.range_name}) {
    if (name->empty()) continue;
    out.Key(name->data(), static_cast<rapidjson::SizeType>(name->size()));
    item[name->c_str()].Accept(out);
  }
  out.EndObject();
}

core::StatusOr<bool> ReadReturnAllOld(const rapidjson::Value& request) {
  ASSIGN_OR_RETURN(std::optional<std::string> value, OptionalString(request, "ReturnValues"));
  if (!value || *value == "NONE") return false;
  if (*value == "ALL_OLD") return true;
  return ValidationError("Return values set to invalid value");
}

core::StatusOr<bool> ReadReturnOldOnFailure(const rapidjson::Value& request) {
  ASSIGN_OR_RETURN(std::optional<std::string> value, OptionalString(request, "ReturnValuesOnConditionCheckFailure"));
  if (!value || *value == "NONE") return false;
  if (*value == "ALL_OLD") return true;
  return ValidationError("1 validation error detected: Value '" + *value +
                         "' at 'returnValuesOnConditionCheckFailure' failed to satisfy constraint: Member must "
                         "satisfy enum value set: [ALL_OLD, NONE]");
}

core::Status ConditionFailed(const std::string* stored, bool return_old) {
  if (!return_old || !stored) return ConditionalCheckFailed();
  return ConditionalCheckFailed().WithDetail("{\"Item\":" + *stored + "}");
}

const std::string* FindItem(const Table& t, const ItemKey& key) {
  auto part = t.partitions.find(key.partition);
  if (part == t.partitions.end()) return nullptr;
  auto it = part->second.find(key.sort);
  return it == part->second.end() ? nullptr : &it->second;
}

bool ConditionHolds(const std::optional<Condition>& condition, const std::string* stored) {
  if (!condition) return true;
  if (!stored) return condition->Evaluate(nullptr);
  rapidjson::Document item;
  item.Parse(stored->data(), stored->size());
  return condition->Evaluate(&item);
}

int64_t StoredSize(const std::string* json) {
  if (!json) return 0;
  rapidjson::Document item;
  item.Parse(json->data(), json->size());
  return ItemSizeBytes(item);
}

core::Status AwaitWrite(Service& s, std::optional<uint64_t> ticket) {
  if (!ticket || s.store().AwaitDdbWrites(*ticket).ok()) return core::Status();
  return InternalServerError("Internal server error: the write was not stored");
}

std::vector<std::string> KeyNames(const TableDefinition& d) {
  std::vector<std::string> names{d.hash_name};
  if (!d.range_name.empty()) names.push_back(d.range_name);
  return names;
}

core::StatusOr<std::optional<UpdateExpression>> ReadUpdate(const TableRequest& request, ExpressionContext& context) {
  ASSIGN_OR_RETURN(std::optional<std::string> text, ExpressionText(request, "UpdateExpression"));
  if (!text) return std::optional<UpdateExpression>();
  ASSIGN_OR_RETURN(UpdateExpression update, UpdateExpression::Parse(*text, context));
  return std::optional<UpdateExpression>(std::move(update));
}

core::Status ApplyUpdate(const Table& table, const std::optional<UpdateExpression>& update,
                         rapidjson::Document& item) {
  if (update) RETURN_IF_ERROR(update->Apply(item, item.GetAllocator()));
  if (ItemSizeBytes(item) > kMaxItemBytes) {
    return ValidationError("Item size to update has exceeded the maximum allowed size");
  }
  return ValidateNewItem(table, item);
}

core::StatusOr<SealedWrite> SealWrite(Table& t, const ItemKey& key, const std::string& item_json,
                                      int64_t size_delta) {
  SealedWrite write{&t, key, item_json, size_delta, {t.table_id, Service::RowId(t, key.canonical), ""}};
  if (!item_json.empty()) {
    ASSIGN_OR_RETURN(write.row.sealed, Service::SealItem(t, write.row.row_id, item_json));
  }
  return write;
}

namespace {

// Applies the write to its table in memory and tells OnItemChanged; appends
// its row (and the rows OnItemChanged adds) for the store.
void ApplyInMemory(Service& s, SealedWrite& w, std::vector<store::DdbItemWrite>& rows) {
  Table& t = *w.table;
  std::string old_item;
  bool had_old = false;
  auto part = t.partitions.find(w.key.partition);
  if (part != t.partitions.end()) {
    auto it = part->second.find(w.key.sort);
    if (it != part->second.end()) {
      old_item = std::move(it->second);
      had_old = true;
      if (w.item_json.empty()) {
        part->second.erase(it);
        --t.item_count;
        if (part->second.empty()) t.partitions.erase(part);
      }
    }
  }
  const std::string* new_item = nullptr;
  if (!w.item_json.empty()) {
    auto [it, added] = t.partitions[w.key.partition].insert_or_assign(w.key.sort, std::move(w.item_json));
    if (added) ++t.item_count;
    new_item = &it->second;
  }
  t.size_bytes += w.size_delta;
  rows.push_back(std::move(w.row));
  if (had_old || new_item) {
    OnItemChanged(s, t, ItemChange{w.key, had_old ? &old_item : nullptr, new_item, w.origin, s.NowMillis()}, rows);
  }
}

}  // namespace

std::optional<uint64_t> ApplyWrites(Service& s, std::vector<SealedWrite> writes) {
  if (writes.empty()) return std::nullopt;
  std::vector<store::DdbItemWrite> rows;
  rows.reserve(writes.size() + 1);
  std::vector<const Table*> tables;  // each written table once, for its stats after the writes
  for (SealedWrite& w : writes) {
    if (std::find(tables.begin(), tables.end(), w.table) == tables.end()) tables.push_back(w.table);
    ApplyInMemory(s, w, rows);
  }
  for (const Table* t : tables) rows.push_back(TableStatsRow(*t));
  return s.store().EnqueueDdbItemWrites(std::move(rows));
}

core::StatusOr<uint64_t> ApplyWrite(Service& s, Table& t, const ItemKey& key, const std::string& item_json,
                                    int64_t size_delta, WriteOrigin origin) {
  ASSIGN_OR_RETURN(SealedWrite write, SealWrite(t, key, item_json, size_delta));
  write.origin = origin;
  std::vector<store::DdbItemWrite> rows;
  ApplyInMemory(s, write, rows);
  rows.push_back(TableStatsRow(t));
  return s.store().EnqueueDdbItemWrites(std::move(rows));
}

}  // namespace kmslab::ddb::ops
