#include "ddb/ops/capacity.h"

#include <algorithm>

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

void WriteConsumedCapacity(JsonWriter& out, CapacityReport report, const std::string& table, double units) {
  out.StartObject();
  out.Key("TableName");
  out.String(table.data(), static_cast<rapidjson::SizeType>(table.size()));
  out.Key("CapacityUnits");
  out.Double(units);
  if (report == CapacityReport::kIndexes) {
    out.Key("Table");
    out.StartObject();
    out.Key("CapacityUnits");
    out.Double(units);
    out.EndObject();
  }
  out.EndObject();
}

}  // namespace kmslab::ddb::ops
