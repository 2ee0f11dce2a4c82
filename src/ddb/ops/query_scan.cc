// Query and Scan.
#include <mutex>

#include "ddb/attribute_value.h"
#include "ddb/operations.h"
#include "ddb/ops/item_common.h"
#include "ddb/ops/item_ops.h"

namespace kmslab::ddb::ops {

namespace {

struct ReadOptions {
  std::optional<Condition> filter;
  std::vector<std::string> projection;
  int64_t limit = INT64_MAX;
  bool count_only = false;
  const rapidjson::Value* start_key = nullptr;  // ExclusiveStartKey
};

// The members Query and Scan share.
core::StatusOr<ReadOptions> ReadCommon(const TableRequest& q, const TableDefinition& d, ExpressionContext& context) {
  const rapidjson::Value& request = *q.body;
  ReadOptions o;
  ASSIGN_OR_RETURN(o.filter, ReadCondition(q, "FilterExpression", context));
  ASSIGN_OR_RETURN(o.projection, ReadProjection(q, context));
  if (const rapidjson::Value* v = FindMember(request, "Limit")) {
    if (!v->IsInt64()) return SerializationError("Unexpected value type for Limit");
    if (v->GetInt64() < 1) {
      return ValidationError("1 validation error detected: Value '" + std::to_string(v->GetInt64()) +
                             "' at 'limit' failed to satisfy constraint: Member must have value greater than or "
                             "equal to 1");
    }
    o.limit = v->GetInt64();
  }
  ASSIGN_OR_RETURN(std::optional<std::string> select, OptionalString(request, "Select"));
  if (select && *select != "ALL_ATTRIBUTES" && *select != "COUNT") {
    return ValidationError("kmslab supports Select ALL_ATTRIBUTES and COUNT only");
  }
  o.count_only = select && *select == "COUNT";
  ASSIGN_OR_RETURN(o.start_key, OptionalObject(request, "ExclusiveStartKey"));
  if (o.start_key) {
    core::Status valid = ValidateKey(d, *o.start_key);
    if (!valid.ok()) return ValidationError("The provided starting key is invalid: " + valid.message());
  }
  return o;
}

// Collects matching items page by page and writes the response.
class Results {
 public:
  Results(const TableDefinition& d, const ReadOptions& o) : d_(d), o_(o) {}

  // False once the page is full.
  bool Add(const std::string& json) {
    if (scanned_ == o_.limit) {
      return false;
    }
    ++scanned_;
    last_ = &json;
    if (o_.filter) {
      rapidjson::Document item;
      item.Parse(json.data(), json.size());
      if (!o_.filter->Evaluate(&item)) return true;
    }
    matched_.push_back(&json);
    return true;
  }
  // Ends the page; `more` when items remain after the last one added.
  void Write(JsonWriter& out, bool more) const {
    out.StartObject();
    if (!o_.count_only) {
      out.Key("Items");
      out.StartArray();
      for (const std::string* json : matched_) WriteItem(out, *json, o_.projection);
      out.EndArray();
    }
    out.Key("Count");
    out.Int64(static_cast<int64_t>(matched_.size()));
    out.Key("ScannedCount");
    out.Int64(scanned_);
    if (more && last_) {
      out.Key("LastEvaluatedKey");
      WriteItemKey(out, d_, *last_);
    }
    out.EndObject();
  }

 private:
  const TableDefinition& d_;
  const ReadOptions& o_;
  int64_t scanned_ = 0;
  const std::string* last_ = nullptr;
  std::vector<const std::string*> matched_;
};

}  // namespace

struct QueryOp : FineGrainedTableOp<QueryConditionKeys> {
  static constexpr const char* kName = "Query";
  static core::Status Read(const rapidjson::Value& body, Request& q) {
    RETURN_IF_ERROR(ReadTableRequest(body, q));
    RETURN_IF_ERROR(RejectUnsupported(body, {"IndexName"}, kName));
    return TranslateLegacyParameters(kName, body, q.legacy);
  }
  static core::Status Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out);
};
KMSLAB_DDB_OPERATION(Query);

core::Status RunQuery(Service& s, const kms::CallContext& call, const rapidjson::Value& body, JsonWriter& out) {
  QueryOp::Request request;
  RETURN_IF_ERROR(QueryOp::Read(body, request));
  return QueryOp::Execute(s, call, request, out);
}

core::Status QueryOp::Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out) {
  const rapidjson::Value& request = *q.body;
  ASSIGN_OR_RETURN(std::shared_ptr<Table> table, TableForItems(s, call, q.table));
  const TableDefinition& d = table->definition;
  ASSIGN_OR_RETURN(std::optional<std::string> text, ExpressionText(q, "KeyConditionExpression"));
  if (!text) return ValidationError("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.");
  ASSIGN_OR_RETURN(ExpressionContext context, ReadExpressionContext(q));
  ASSIGN_OR_RETURN(KeyCondition condition, ParseKeyCondition(*text, context, d.hash_name, d.range_name));
  ASSIGN_OR_RETURN(ReadOptions options, ReadCommon(q, d, context));
  RETURN_IF_ERROR(context.CheckAllUsed());
  RETURN_IF_ERROR(q.legacy.CheckQueryFilterKeys(d.hash_name, d.range_name));
  const core::Status type_mismatch =
      ValidationError("One or more parameter values were invalid: Condition parameter type does not match schema type");
  if (TypeOf(*condition.partition_value) != d.TypeOf(d.hash_name)) return type_mismatch;
  for (const rapidjson::Value* v : {condition.sort_low, condition.sort_high}) {
    if (v && TypeOf(*v) != d.TypeOf(d.range_name)) return type_mismatch;
  }
  bool forward = true;
  if (const rapidjson::Value* v = FindMember(request, "ScanIndexForward")) {
    if (!v->IsBool()) return SerializationError("Unexpected value type for ScanIndexForward");
    forward = v->GetBool();
  }
  if (options.start_key && KeyBytes((*options.start_key)[d.hash_name.c_str()]) != KeyBytes(*condition.partition_value)) {
    return ValidationError("The provided starting key is outside query boundaries based on provided conditions");
  }
  RETURN_IF_ERROR(s.OpenTable(call, *table));

  std::shared_lock<std::shared_mutex> lock(table->mu);
  Results results(d, options);
  bool more = false;
  auto part = table->partitions.find(KeyBytes(*condition.partition_value));
  if (part != table->partitions.end()) {
    std::optional<SortKey> after;
    if (options.start_key) after = KeyOf(d, *options.start_key).sort;
    SortKeyLess less;
    auto visit = [&](const SortKey& sort, const std::string& json) {
      if (after && (forward ? !less(*after, sort) : !less(sort, *after))) return true;  // up to the start key
      rapidjson::Document item;
      item.Parse(json.data(), json.size());
      if (!d.range_name.empty() && !condition.SortMatches(item[d.range_name.c_str()])) return true;
      if (!results.Add(json)) {
        more = true;
        return false;
      }
      return true;
    };
    if (forward) {
      for (const auto& [sort, json] : part->second)
        if (!visit(sort, json)) break;
    } else {
      for (auto it = part->second.rbegin(); it != part->second.rend(); ++it)
        if (!visit(it->first, it->second)) break;
    }
  }
  results.Write(out, more);
  return core::Status();
}

struct ScanOp : FineGrainedTableOp<ScanConditionKeys> {
  static constexpr const char* kName = "Scan";
  static core::Status Read(const rapidjson::Value& body, Request& q) {
    RETURN_IF_ERROR(ReadTableRequest(body, q));
    RETURN_IF_ERROR(RejectUnsupported(body, {"IndexName", "Segment", "TotalSegments"}, kName));
    return TranslateLegacyParameters(kName, body, q.legacy);
  }
  static core::Status Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out);
};
KMSLAB_DDB_OPERATION(Scan);

core::Status RunScan(Service& s, const kms::CallContext& call, const rapidjson::Value& body, JsonWriter& out) {
  ScanOp::Request request;
  RETURN_IF_ERROR(ScanOp::Read(body, request));
  return ScanOp::Execute(s, call, request, out);
}

core::Status ScanOp::Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out) {
  ASSIGN_OR_RETURN(std::shared_ptr<Table> table, TableForItems(s, call, q.table));
  const TableDefinition& d = table->definition;
  ASSIGN_OR_RETURN(ExpressionContext context, ReadExpressionContext(q));
  ASSIGN_OR_RETURN(ReadOptions options, ReadCommon(q, d, context));
  RETURN_IF_ERROR(context.CheckAllUsed());
  RETURN_IF_ERROR(s.OpenTable(call, *table));

  std::shared_lock<std::shared_mutex> lock(table->mu);
  Results results(d, options);
  bool more = false;
  // Partitions in key-byte order, items in sort-key order: a stable order to page through.
  auto part = table->partitions.begin();
  std::optional<ItemKey> after;
  if (options.start_key) {
    after = KeyOf(d, *options.start_key);
    part = table->partitions.lower_bound(after->partition);
  }
  for (; part != table->partitions.end() && !more; ++part) {
    auto it = part->second.begin();
    if (after && part->first == after->partition) it = part->second.upper_bound(after->sort);
    for (; it != part->second.end(); ++it) {
      if (!results.Add(it->second)) {
        more = true;
        break;
      }
    }
  }
  results.Write(out, more);
  return core::Status();
}

}  // namespace kmslab::ddb::ops
