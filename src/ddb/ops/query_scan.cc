// Query and Scan (docs/spec/dynamodb.md section 4): pages of at
// most Limit items or 1 MB read, FilterExpression applied after reading,
// Select, ProjectionExpression, parallel Scan segments, ConsumedCapacity.
#include <algorithm>
#include <cstdint>
#include <deque>
#include <mutex>

#include "ddb/attribute_value.h"
#include "ddb/indexes.h"
#include "ddb/operations.h"
#include "ddb/ops/capacity.h"
#include "ddb/ops/index_reads.h"
#include "ddb/ops/item_common.h"
#include "ddb/ops/item_ops.h"
#include "ddb/scan_segment.h"

namespace kmslab::ddb::ops {

namespace {

// A page stops once the items read reach this much item size (before the filter).
constexpr int64_t kMaxPageBytes = 1024 * 1024;
constexpr int64_t kMaxTotalSegments = 1000000;

enum class Select { kAllAttributes, kAllProjectedAttributes, kSpecificAttributes, kCount };

// The members Query and Scan check before authorization: Smithy shape
// errors (aggregated, "2 validation errors detected: a; b"), then
// ReturnConsumedCapacity, then Select against ProjectionExpression, then
// (Scan) Segment against TotalSegments.
struct PageRequest : TableRequest {
  int64_t limit = INT64_MAX;
  Select select = Select::kAllAttributes;
  CapacityReport capacity = CapacityReport::kNone;
  bool consistent_read = false;
  std::optional<int64_t> segment, total_segments;  // Scan only; both or neither
  std::optional<std::string> index_name;  // IndexName
  bool select_all_attributes = false;      // Select ALL_ATTRIBUTES as sent
};

// Collects shape constraint violations in member order.
class ShapeErrors {
 public:
  void Add(std::string violation) { violations_.push_back(std::move(violation)); }
  void AddValue(const std::string& value, const char* field, const std::string& constraint) {
    Add("Value '" + value + "' at '" + field + "' failed to satisfy constraint: " + constraint);
  }
  core::Status Status() const {
    if (violations_.empty()) return core::Status();
    std::string text = std::to_string(violations_.size()) +
                       (violations_.size() == 1 ? " validation error detected: " : " validation errors detected: ");
    for (size_t i = 0; i < violations_.size(); ++i) text += (i > 0 ? "; " : "") + violations_[i];
    return ValidationError(text);
  }

 private:
  std::vector<std::string> violations_;
};

core::StatusOr<std::optional<int64_t>> OptionalInteger(const rapidjson::Value& body, const char* member) {
  const rapidjson::Value* v = FindMember(body, member);
  if (!v) return std::optional<int64_t>();
  if (!v->IsInt64()) return SerializationError(std::string("Unexpected value type for ") + member);
  return std::optional<int64_t>(v->GetInt64());
}

// Limit; Query prints its violation without the value ("Value at 'Limit'"), Scan with it.
core::Status ReadLimit(const rapidjson::Value& body, bool is_query, PageRequest& q, ShapeErrors& errors) {
  ASSIGN_OR_RETURN(std::optional<int64_t> limit, OptionalInteger(body, "Limit"));
  if (!limit) return core::Status();
  if (*limit >= 1) {
    q.limit = *limit;
  } else if (is_query) {
    errors.Add("Value at 'Limit' failed to satisfy constraint: Member must have value greater than or equal to 1");
  } else {
    errors.AddValue(std::to_string(*limit), "limit", "Member must have value greater than or equal to 1");
  }
  return core::Status();
}

// Select's enum; the value itself is checked against the projection later.
core::StatusOr<std::optional<std::string>> ReadSelect(const rapidjson::Value& body, ShapeErrors& errors) {
  ASSIGN_OR_RETURN(std::optional<std::string> select, OptionalString(body, "Select"));
  if (select && *select != "ALL_ATTRIBUTES" && *select != "ALL_PROJECTED_ATTRIBUTES" &&
      *select != "SPECIFIC_ATTRIBUTES" && *select != "COUNT") {
    errors.AddValue(*select, "select",
                    "Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, "
                    "ALL_PROJECTED_ATTRIBUTES]");
  }
  return select;
}

// Select against ProjectionExpression or AttributesToGet, and IndexName
// (ALL_PROJECTED_ATTRIBUTES, the default of an index read). Query's texts carry "1 validation
// error detected: ", Scan's are bare, as DynamoDB sends them.
core::Status CheckSelect(const rapidjson::Value& body, const std::optional<std::string>& select, bool is_query,
                         PageRequest& q) {
  const std::string prefix = is_query ? "1 validation error detected: " : "";
  const bool projected = FindMember(body, "ProjectionExpression") || FindMember(body, "AttributesToGet");
  if (select == "ALL_PROJECTED_ATTRIBUTES" && !q.index_name) {
    return ValidationError(prefix + "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName");
  }
  if (select == "ALL_PROJECTED_ATTRIBUTES" && projected) {
    return ValidationError(prefix +
                           "Cannot specify the ProjectionExpression when choosing to get ALL_PROJECTED_ATTRIBUTES");
  }
  if (select == "SPECIFIC_ATTRIBUTES" && !projected) {
    return ValidationError(prefix +
                           "Must specify the AttributesToGet or ProjectionExpression when choosing to get "
                           "SPECIFIC_ATTRIBUTES");
  }
  if (select == "ALL_ATTRIBUTES" && projected) {
    return ValidationError(prefix + "Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES");
  }
  if (select == "COUNT" && projected) {
    return ValidationError(prefix + "Cannot specify the ProjectionExpression when choosing to get only the Count");
  }
  q.select_all_attributes = select == "ALL_ATTRIBUTES";
  q.select = select == "COUNT"   ? Select::kCount
             : projected         ? Select::kSpecificAttributes
             : q.index_name && !q.select_all_attributes ? Select::kAllProjectedAttributes
                                                         : Select::kAllAttributes;
  return core::Status();
}

core::Status ReadSegments(const rapidjson::Value& body, PageRequest& q, ShapeErrors& errors) {
  ASSIGN_OR_RETURN(q.total_segments, OptionalInteger(body, "TotalSegments"));
  ASSIGN_OR_RETURN(q.segment, OptionalInteger(body, "Segment"));
  if (q.total_segments && *q.total_segments < 1) {
    errors.AddValue(std::to_string(*q.total_segments), "totalSegments",
                    "Member must have value greater than or equal to 1");
  } else if (q.total_segments && *q.total_segments > kMaxTotalSegments) {
    errors.AddValue(std::to_string(*q.total_segments), "totalSegments",
                    "Member must have value less than or equal to 1000000");
  }
  if (q.segment && *q.segment < 0) {
    errors.AddValue(std::to_string(*q.segment), "segment", "Member must have value greater than or equal to 0");
  } else if (q.segment && *q.segment >= kMaxTotalSegments) {
    errors.AddValue(std::to_string(*q.segment), "segment", "Member must have value less than or equal to 999999");
  }
  return core::Status();
}

core::Status CheckSegments(const PageRequest& q) {
  if (q.segment && !q.total_segments) {
    return ValidationError(
        "The TotalSegments parameter is required but was not present in the request when Segment parameter is "
        "present");
  }
  if (q.total_segments && !q.segment) {
    return ValidationError(
        "The Segment parameter is required but was not present in the request when parameter TotalSegments is "
        "present");
  }
  if (q.segment && *q.segment >= *q.total_segments) {
    return ValidationError(
        "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: " +
        std::to_string(*q.segment) + " is not less than TotalSegments: " + std::to_string(*q.total_segments));
  }
  return core::Status();
}

// Read for both operations after the table name; `is_query` selects Query's
// members and texts.
core::Status ReadPageRequest(const rapidjson::Value& body, bool is_query, PageRequest& q) {
  ShapeErrors errors;
  std::optional<std::string> select;
  if (is_query) {
    ASSIGN_OR_RETURN(select, ReadSelect(body, errors));
    RETURN_IF_ERROR(ReadLimit(body, is_query, q, errors));
  } else {
    RETURN_IF_ERROR(ReadLimit(body, is_query, q, errors));
    ASSIGN_OR_RETURN(select, ReadSelect(body, errors));
  }
  if (!is_query) RETURN_IF_ERROR(ReadSegments(body, q, errors));
  RETURN_IF_ERROR(errors.Status());
  ASSIGN_OR_RETURN(q.capacity, ReadCapacityReport(body));
  ASSIGN_OR_RETURN(q.consistent_read, OptionalBool(body, "ConsistentRead"));
  RETURN_IF_ERROR(CheckSelect(body, select, is_query, q));
  return is_query ? core::Status() : CheckSegments(q);
}

// What Query and Scan parse against the table.
struct ReadOptions {
  std::optional<Condition> filter;
  std::vector<internal::Path> projection;
  const rapidjson::Value* start_key = nullptr;  // ExclusiveStartKey
};

core::StatusOr<ReadOptions> ReadCommon(const TableRequest& q, const TableDefinition& d, const IndexRead* index,
                                       ExpressionContext& context) {
  ReadOptions o;
  ASSIGN_OR_RETURN(o.filter, ReadCondition(q, "FilterExpression", context));
  ASSIGN_OR_RETURN(o.projection, ReadProjection(q, context));
  ASSIGN_OR_RETURN(o.start_key, OptionalObject(*q.body, "ExclusiveStartKey"));
  if (o.start_key) {
    core::Status valid = index ? ValidateIndexStartKey(d, *index, *o.start_key) : ValidateKey(d, *o.start_key);
    if (!valid.ok()) return ValidationError("The provided starting key is invalid: " + valid.message());
  }
  return o;
}

// One page: reads stored items until Limit or 1 MB, filters them, and writes
// the response.
class Page {
 public:
  Page(const Table& table, const PageRequest& q, const ReadOptions& o, const IndexView& view = {})
      : table_(table), q_(q), o_(o), view_(view) {}

  // Reads one stored item (JSON text); false once the page is full with it.
  // Through an index, the filter and the response see what its view shows,
  // and the page counts the index's entries (the item as it projects it);
  // an LSI asked for more than it projects reads each item from the table too.
  bool Read(const std::string& json) {
    rapidjson::Document item;
    item.Parse(json.data(), json.size());
    ++scanned_;
    const int64_t item_bytes = ItemSizeBytes(item);
    int64_t entry_bytes = item_bytes;
    last_ = &json;
    const std::string* shown = &json;
    if (view_.index && view_.index->projection != ProjectionType::kAll) {
      rapidjson::Document projected = ProjectForIndex(*view_.table, *view_.index, item);
      entry_bytes = ItemSizeBytes(projected);
      if (!view_.output && view_.index->kind == IndexKind::kLocal) {
        fetched_units_ += ReadUnits(item_bytes, q_.consistent_read);  // [I] one table read per item fetched
      }
      if (view_.output) shown = &owned_.emplace_back(ToJson(projected));
      if (view_.filter) item.Swap(projected);
    }
    bytes_ += entry_bytes;
    if (!o_.filter || o_.filter->Evaluate(&item)) matched_.push_back(shown);
    stopped_ = scanned_ >= q_.limit || bytes_ >= kMaxPageBytes;
    return !stopped_;
  }

  // A page that stopped on Limit or 1 MB carries LastEvaluatedKey, the key of
  // the last item read, even when nothing follows it.
  void Write(JsonWriter& out) const {
    out.StartObject();
    if (q_.select != Select::kCount) {
      out.Key("Items");
      out.StartArray();
      for (const std::string* json : matched_) WriteItem(out, *json, o_.projection);
      out.EndArray();
    }
    out.Key("Count");
    out.Int64(static_cast<int64_t>(matched_.size()));
    out.Key("ScannedCount");
    out.Int64(scanned_);
    if (stopped_) {
      out.Key("LastEvaluatedKey");
      if (view_.index) {
        WriteIndexItemKey(out, table_.definition, *view_.index, *last_);
      } else {
        WriteItemKey(out, table_.definition, *last_);
      }
    }
    if (q_.capacity != CapacityReport::kNone) {
      out.Key("ConsumedCapacity");
      Consumed consumed;
      if (view_.index) {
        consumed.AddIndex(*view_.index, ReadUnits(bytes_, q_.consistent_read));
        consumed.table = fetched_units_;
      } else {
        consumed.table = ReadUnits(bytes_, q_.consistent_read);
      }
      WriteConsumedCapacity(out, q_.capacity, q_.table, consumed);
    }
    out.EndObject();
  }

 private:
  const Table& table_;
  const PageRequest& q_;
  const ReadOptions& o_;
  const IndexView view_;
  std::deque<std::string> owned_;  // items as the index projects them
  int64_t scanned_ = 0;
  int64_t bytes_ = 0;          // read: items, or through an index its entries
  double fetched_units_ = 0;   // an LSI's reads of the table for what it does not project
  bool stopped_ = false;
  const std::string* last_ = nullptr;
  std::vector<const std::string*> matched_;
};

}  // namespace

struct QueryOp : IndexedReadOp<QueryConditionKeys> {
  static constexpr const char* kName = "Query";
  using Request = PageRequest;
  static core::Status Read(const rapidjson::Value& body, Request& q) {
    RETURN_IF_ERROR(ReadItemTableRequest(body, q));
    ASSIGN_OR_RETURN(q.index_name, ReadIndexName(body));
    RETURN_IF_ERROR(ReadPageRequest(body, /*is_query=*/true, q));
    return TranslateLegacyParameters(kName, body, q.legacy);
  }
  static core::Status Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out);
};
KMSLAB_DDB_OPERATION(Query);

KMSLAB_DDB_INNER_OPERATION(Query);

core::Status QueryOp::Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out) {
  const rapidjson::Value& request = *q.body;
  ASSIGN_OR_RETURN(std::shared_ptr<Table> table, TableForItems(s, call, q.table));
  const TableDefinition& table_definition = table->definition;
  ASSIGN_OR_RETURN(std::optional<IndexRead> index,
                   FindReadIndex(*table, q.index_name, q.consistent_read, q.select_all_attributes));
  // The key schema read: the table's, or the index's.
  const TableDefinition& d = index ? index->keys : table_definition;
  ASSIGN_OR_RETURN(std::optional<std::string> text, ExpressionText(q, "KeyConditionExpression"));
  if (!text) {
    return ValidationError(
        "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.");
  }
  ASSIGN_OR_RETURN(ExpressionContext context, ReadExpressionContext(q));
  ASSIGN_OR_RETURN(KeyCondition condition, ParseKeyCondition(*text, context, d.hash_name, d.range_name));
  ASSIGN_OR_RETURN(ReadOptions options, ReadCommon(q, table_definition, index ? &*index : nullptr, context));
  RETURN_IF_ERROR(context.CheckAllUsed());
  RETURN_IF_ERROR(q.legacy.CheckQueryFilterKeys(d.hash_name, d.range_name));
  for (const std::string& name : options.filter ? options.filter->TopLevelNames() : std::vector<std::string>()) {
    if (name == d.hash_name || name == d.range_name) {
      return ValidationError("Filter Expression can only contain non-primary key attributes: Primary key attribute: " +
                             name);
    }
  }
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
  if (options.start_key) {
    if (KeyBytes((*options.start_key)[d.hash_name.c_str()]) != KeyBytes(*condition.partition_value)) {
      return ValidationError("The provided starting key is outside query boundaries based on provided conditions");
    }
    if (!d.range_name.empty() && !condition.SortMatches((*options.start_key)[d.range_name.c_str()])) {
      return ValidationError("The provided starting key does not match the range key predicate");
    }
  }
  RETURN_IF_ERROR(s.OpenTable(call, *table));

  std::shared_lock<std::shared_mutex> lock(table->mu);
  if (table->deleted) return ResourceNotFound("Requested resource not found");
  const IndexView view = index ? ViewOf(table_definition, *index, q.select == Select::kAllProjectedAttributes)
                               : IndexView{};
  Page page(*table, q, options, view);
  // False once the page is full.
  auto read_matching = [&](const std::string& json) {
    if (!d.range_name.empty()) {
      rapidjson::Document item;
      item.Parse(json.data(), json.size());
      if (!condition.SortMatches(item[d.range_name.c_str()])) return true;
    }
    return page.Read(json);
  };
  if (index) {
    VisitIndexPartition(*table, *index, KeyBytes(*condition.partition_value), forward, options.start_key,
                        read_matching);
    page.Write(out);
    return core::Status();
  }
  auto part = table->partitions.find(KeyBytes(*condition.partition_value));
  if (part != table->partitions.end()) {
    std::optional<SortKey> after;
    if (options.start_key) after = KeyOf(d, *options.start_key).sort;
    SortKeyLess less;
    // False once the page is full.
    auto visit = [&](const SortKey& sort, const std::string& json) {
      if (after && (forward ? !less(*after, sort) : !less(sort, *after))) return true;  // up to the start key
      return read_matching(json);
    };
    if (forward) {
      for (const auto& [sort, json] : part->second)
        if (!visit(sort, json)) break;
    } else {
      for (auto it = part->second.rbegin(); it != part->second.rend(); ++it)
        if (!visit(it->first, it->second)) break;
    }
  }
  page.Write(out);
  return core::Status();
}

struct ScanOp : IndexedReadOp<ScanConditionKeys> {
  static constexpr const char* kName = "Scan";
  using Request = PageRequest;
  static core::Status Read(const rapidjson::Value& body, Request& q) {
    RETURN_IF_ERROR(ReadItemTableRequest(body, q));
    ASSIGN_OR_RETURN(q.index_name, ReadIndexName(body));
    RETURN_IF_ERROR(ReadPageRequest(body, /*is_query=*/false, q));
    return TranslateLegacyParameters(kName, body, q.legacy);
  }
  static core::Status Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out);
};
KMSLAB_DDB_OPERATION(Scan);

KMSLAB_DDB_INNER_OPERATION(Scan);

core::Status ScanOp::Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out) {
  ASSIGN_OR_RETURN(std::shared_ptr<Table> table, TableForItems(s, call, q.table));
  const TableDefinition& d = table->definition;
  ASSIGN_OR_RETURN(std::optional<IndexRead> index,
                   FindReadIndex(*table, q.index_name, q.consistent_read, q.select_all_attributes));
  ASSIGN_OR_RETURN(ExpressionContext context, ReadExpressionContext(q));
  ASSIGN_OR_RETURN(ReadOptions options, ReadCommon(q, d, index ? &*index : nullptr, context));
  RETURN_IF_ERROR(context.CheckAllUsed());
  RETURN_IF_ERROR(s.OpenTable(call, *table));

  std::shared_lock<std::shared_mutex> lock(table->mu);
  if (table->deleted) return ResourceNotFound("Requested resource not found");
  if (index) {
    Page page(*table, q, options, ViewOf(d, *index, q.select == Select::kAllProjectedAttributes));
    VisitIndexScan(*table, *index, q.segment, q.total_segments.value_or(1), options.start_key,
                   [&](const std::string& json) { return page.Read(json); });
    page.Write(out);
    return core::Status();
  }
  Page page(*table, q, options);
  // Partitions in key-byte order, items in sort-key order: a stable order to
  // page through. A segment reads only its partitions (scan_segment.h).
  auto part = table->partitions.begin();
  std::optional<ItemKey> after;
  if (options.start_key) {
    after = KeyOf(d, *options.start_key);
    part = table->partitions.lower_bound(after->partition);
  }
  bool full = false;
  for (; part != table->partitions.end() && !full; ++part) {
    if (q.segment && SegmentOf(part->first, *q.total_segments) != *q.segment) continue;
    auto it = part->second.begin();
    if (after && part->first == after->partition) it = part->second.upper_bound(after->sort);
    for (; it != part->second.end() && !full; ++it) full = !page.Read(it->second);
  }
  page.Write(out);
  return core::Status();
}

}  // namespace kmslab::ddb::ops
