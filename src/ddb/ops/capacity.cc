#include "ddb/ops/capacity.h"

#include <algorithm>

#include "ddb/attribute_value.h"
#include "ddb/indexes.h"

namespace kmslab::ddb::ops {

namespace {

// Units of `item_bytes` counted by `unit_bytes`, rounded up, at least one.
double Units(int64_t item_bytes, int64_t unit_bytes) {
  return static_cast<double>(std::max<int64_t>(1, (item_bytes + unit_bytes - 1) / unit_bytes));
}

}  // namespace

core::StatusOr<CapacityReport> ReadCapacityReport(const rapidjson::Value& request) {
  ASSIGN_OR_RETURN(std::optional<std::string> value, OptionalString(request, "ReturnConsumedCapacity"));
  if (!value || *value == "NONE") return CapacityReport::kNone;
  if (*value == "TOTAL") return CapacityReport::kTotal;
  if (*value == "INDEXES") return CapacityReport::kIndexes;
  return ValidationError("1 validation error detected: Value '" + *value +
                         "' at 'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy enum "
                         "value set: [INDEXES, TOTAL, NONE]");
}

core::Status CheckReturnItemCollectionMetrics(const rapidjson::Value& request) {
  ASSIGN_OR_RETURN(std::optional<std::string> value, OptionalString(request, "ReturnItemCollectionMetrics"));
  const std::string mode = value.value_or("NONE");
  if (mode == "NONE" || mode == "SIZE") return core::Status();
  return ValidationError("1 validation error detected: Value '" + mode +
                         "' at 'returnItemCollectionMetrics' failed to satisfy constraint: Member must satisfy enum "
                         "value set: [SIZE, NONE]");
}

const char* CapacityReportName(CapacityReport report) {
  switch (report) {
    case CapacityReport::kNone: return "NONE";
    case CapacityReport::kTotal: return "TOTAL";
    case CapacityReport::kIndexes: return "INDEXES";
  }
  return "NONE";
}

double ReadUnits(int64_t item_bytes, bool consistent) {
  const double units = Units(item_bytes, 4096);
  return consistent ? units : units / 2;
}

double WriteUnits(int64_t item_bytes) { return Units(item_bytes, 1024); }

double Consumed::Total() const {
  double total = table;
  for (const auto& [name, units] : global_indexes) total += units;
  for (const auto& [name, units] : local_indexes) total += units;
  return total;
}

void Consumed::Add(const Consumed& other) {
  table += other.table;
  for (const auto& [name, units] : other.global_indexes) global_indexes[name] += units;
  for (const auto& [name, units] : other.local_indexes) local_indexes[name] += units;
}

Consumed ConsumedOf(const rapidjson::Value& v) {
  Consumed consumed;
  auto units = [](const rapidjson::Value& object) {
    const rapidjson::Value* u = FindMember(object, "CapacityUnits");
    return u && u->IsNumber() ? u->GetDouble() : 0.0;
  };
  if (!v.IsObject()) return consumed;
  const rapidjson::Value* table = FindMember(v, "Table");
  consumed.table = table && table->IsObject() ? units(*table) : units(v);
  for (auto [member, map] : {std::pair{"GlobalSecondaryIndexes", &consumed.global_indexes},
                             std::pair{"LocalSecondaryIndexes", &consumed.local_indexes}}) {
    const rapidjson::Value* indexes = FindMember(v, member);
    if (!indexes || !indexes->IsObject()) continue;
    for (const auto& index : indexes->GetObject()) {
      if (index.value.IsObject()) (*map)[index.name.GetString()] += units(index.value);
    }
  }
  return consumed;
}

void Consumed::AddIndex(const IndexSchema& index, double units) {
  (index.kind == IndexKind::kGlobal ? global_indexes : local_indexes)[index.name] += units;
}

namespace {

// Whether two items hold equal values of `index`'s key attributes.
bool SameIndexKey(const IndexSchema& index, const rapidjson::Value& a, const rapidjson::Value& b) {
  for (const IndexKeyAttribute* key : {&index.hash, &index.range}) {
    if (key->name.empty()) continue;
    if (KeyBytes(a[key->name.c_str()]) != KeyBytes(b[key->name.c_str()])) return false;
  }
  return true;
}

}  // namespace

double IndexWriteUnits(const TableDefinition& d, const IndexSchema& index, const rapidjson::Value* old_item,
                       const rapidjson::Value* new_item) {
  const bool in_old = old_item && InIndex(index, *old_item);
  const bool in_new = new_item && InIndex(index, *new_item);
  if (!in_old && !in_new) return 0;
  rapidjson::Document old_entry, new_entry;
  if (in_old) old_entry = ProjectForIndex(d, index, *old_item);
  if (in_new) new_entry = ProjectForIndex(d, index, *new_item);
  if (!in_new) return WriteUnits(ItemSizeBytes(old_entry));
  if (!in_old) return WriteUnits(ItemSizeBytes(new_entry));
  if (!SameIndexKey(index, *old_item, *new_item)) {
    return WriteUnits(ItemSizeBytes(old_entry)) + WriteUnits(ItemSizeBytes(new_entry));
  }
  if (old_entry == new_entry) return 0;
  return WriteUnits(std::max(ItemSizeBytes(old_entry), ItemSizeBytes(new_entry)));
}

void AddIndexWrites(const TableDefinition& d, const IndexList& indexes, const std::string& old_json,
                    const std::string& new_json, Consumed& consumed) {
  if (!indexes || indexes->empty()) return;
  rapidjson::Document old_item, new_item;
  if (!old_json.empty()) old_item.Parse(old_json.data(), old_json.size());
  if (!new_json.empty()) new_item.Parse(new_json.data(), new_json.size());
  const rapidjson::Value* before = old_item.IsObject() ? &old_item : nullptr;
  const rapidjson::Value* after = new_item.IsObject() ? &new_item : nullptr;
  for (const IndexSchema& index : *indexes) {
    if (index.status == IndexStatus::kDeleting) continue;
    const double units = IndexWriteUnits(d, index, before, after);
    if (units > 0) consumed.AddIndex(index, units);
  }
}

namespace {

void WriteUnitsObject(JsonWriter& out, double units) {
  out.StartObject();
  out.Key("CapacityUnits");
  out.Double(units);
  out.EndObject();
}

void WriteIndexMap(JsonWriter& out, const char* member, const std::map<std::string, double>& units) {
  if (units.empty()) return;
  out.Key(member);
  out.StartObject();
  for (const auto& [name, value] : units) {
    out.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
    WriteUnitsObject(out, value);
  }
  out.EndObject();
}

}  // namespace

void WriteConsumedCapacity(JsonWriter& out, CapacityReport report, const std::string& table, const Consumed& consumed) {
  out.StartObject();
  out.Key("TableName");
  out.String(table.data(), static_cast<rapidjson::SizeType>(table.size()));
  out.Key("CapacityUnits");
  out.Double(consumed.Total());
  if (report == CapacityReport::kIndexes) {
    out.Key("Table");  // also on a read of an index alone, with 0 units [I]
    WriteUnitsObject(out, consumed.table);
    WriteIndexMap(out, "LocalSecondaryIndexes", consumed.local_indexes);
    WriteIndexMap(out, "GlobalSecondaryIndexes", consumed.global_indexes);
  }
  out.EndObject();
}

void WriteConsumedCapacity(JsonWriter& out, CapacityReport report, const std::string& table, double units) {
  Consumed consumed;
  consumed.table = units;
  WriteConsumedCapacity(out, report, table, consumed);
}

}  // namespace kmslab::ddb::ops
