#include "ddb/ops/index_reads.h"

#include <algorithm>

#include "ddb/attribute_value.h"
#include "ddb/indexes.h"
#include "ddb/ops/item_common.h"
#include "ddb/scan_segment.h"

namespace kmslab::ddb::ops {

namespace {

const IndexPartition* PartitionOf(const Table& t, const IndexRead& index, const std::string& partition) {
  const IndexData* data = FindIndexData(t, index.schema->name);
  if (!data) return nullptr;
  auto it = data->partitions.find(partition);
  return it == data->partitions.end() ? nullptr : &it->second;
}

// The stored item an entry stands for (JSON text), or null.
const std::string* ItemOf(const Table& t, const IndexEntry& e) {
  auto part = t.partitions.find(e.partition);
  if (part == t.partitions.end()) return nullptr;
  auto it = part->second.find(e.table_sort);
  return it == part->second.end() ? nullptr : &it->second;
}

IndexEntry StartEntry(const TableDefinition& d, const IndexRead& index, const rapidjson::Value& start) {
  IndexEntry e;
  if (!index.keys.range_name.empty()) e.sort = SortKeyOf(start[index.keys.range_name.c_str()]);
  e.partition = KeyBytes(start[d.hash_name.c_str()]);
  if (!d.range_name.empty()) e.table_sort = SortKeyOf(start[d.range_name.c_str()]);
  return e;
}

// Visits entries of one partition after `after`; false once `visit` stopped.
bool Walk(const Table& t, const IndexPartition& part, bool forward, const std::optional<IndexEntry>& after,
          const std::function<bool(const std::string&)>& visit) {
  auto step = [&](const IndexEntry& e) {
    const std::string* json = ItemOf(t, e);
    return !json || visit(*json);
  };
  if (forward) {
    for (auto it = after ? part.upper_bound(*after) : part.begin(); it != part.end(); ++it)
      if (!step(*it)) return false;
  } else {
    auto it = after ? part.lower_bound(*after) : part.end();
    while (it != part.begin()) {
      --it;
      if (!step(*it)) return false;
    }
  }
  return true;
}

}  // namespace

core::StatusOr<std::optional<std::string>> ReadIndexName(const rapidjson::Value& body) {
  ASSIGN_OR_RETURN(std::optional<std::string> name, OptionalString(body, "IndexName"));
  if (!name) return name;
  auto shape = [&](const char* constraint) {
    return ValidationError("1 validation error detected: Value '" + *name +
                           "' at 'indexName' failed to satisfy constraint: " + constraint);
  };
  if (name->size() < 3) return shape("Member must have length greater than or equal to 3");
  if (name->size() > 255) return shape("Member must have length less than or equal to 255");
  const bool pattern = std::all_of(name->begin(), name->end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == '-';
  });
  if (!pattern) return shape("Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
  return name;
}

TableDefinition IndexKeyDefinition(const IndexSchema& index) {
  TableDefinition d;
  d.hash_name = index.hash.name;
  d.range_name = index.range.name;
  d.attributes.push_back({index.hash.name, index.hash.type});
  if (!index.range.name.empty()) d.attributes.push_back({index.range.name, index.range.type});
  return d;
}

template <ConditionKeys (*Keys)(const rapidjson::Value&, const TableDefinition*)>
core::Status IndexedReadOp<Keys>::Resolve(Service& s, const kms::CallContext& call, const TableRequest& request,
                                          Plan& plan) {
  const TableRef ref = ResolveTableRef(s, call, request.table);
  const std::shared_ptr<Table> table = ref.name.empty() ? nullptr : s.FindTable(call, ref.name);
  const rapidjson::Value* index_name = FindMember(*request.body, "IndexName");
  std::string resource = ref.arn;
  std::optional<TableDefinition> keys;
  if (table) keys = table->definition;
  if (index_name && index_name->IsString()) {
    const std::string name(index_name->GetString(), index_name->GetStringLength());
    resource += "/index/" + name;
    keys.reset();
    if (IndexList list = table ? IndexesOf(*table) : nullptr) {
      if (const IndexSchema* index = FindIndexSchema(*list, name)) keys = IndexKeyDefinition(*index);
    }
  }
  // Legacy parameters count as the expressions they stand for.
  rapidjson::Document translated;
  if (request.legacy.translated()) translated = request.legacy.ExpressionRequest(*request.body);
  Keys(request.legacy.translated() ? translated : *request.body, keys ? &*keys : nullptr)
      .AddTo(plan.Require(resource).context);
  return core::Status();
}
template struct IndexedReadOp<QueryConditionKeys>;
template struct IndexedReadOp<ScanConditionKeys>;

core::StatusOr<std::optional<IndexRead>> FindReadIndex(const Table& t, const std::optional<std::string>& name,
                                                      bool consistent_read, bool all_attributes) {
  if (!name) return std::optional<IndexRead>();
  IndexRead read;
  read.list = IndexesOf(t);
  read.schema = read.list ? FindIndexSchema(*read.list, *name) : nullptr;
  if (!read.schema || read.schema->status == IndexStatus::kDeleting) {
    return ValidationError("The table does not have the specified index: " + *name);
  }
  const bool global = read.schema->kind == IndexKind::kGlobal;
  if (global && consistent_read) {
    return ValidationError("Consistent reads are not supported on global secondary indexes");
  }
  if (read.schema->status == IndexStatus::kCreating) {
    return ValidationError("Cannot read from backfilling global secondary index: " + *name);
  }
  if (global && all_attributes && read.schema->projection != ProjectionType::kAll) {
    return ValidationError("One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported "
                           "for global secondary index " + *name + " because its projection type is not ALL");
  }
  read.keys = IndexKeyDefinition(*read.schema);
  return std::optional<IndexRead>(std::move(read));
}

core::Status ValidateIndexStartKey(const TableDefinition& d, const IndexRead& index, const rapidjson::Value& key) {
  RETURN_IF_ERROR(ValidateItem(key));
  const core::Status mismatch = ValidationError("The provided key element does not match the schema");
  std::vector<std::pair<std::string, std::string>> wanted;
  for (const TableDefinition* k : {&d, &index.keys}) {
    for (const std::string* name : {&k->hash_name, &k->range_name}) {
      if (name->empty()) continue;
      const bool seen = std::any_of(wanted.begin(), wanted.end(), [&](const auto& w) { return w.first == *name; });
      if (!seen) wanted.emplace_back(*name, k->TypeOf(*name));
    }
  }
  if (key.MemberCount() != wanted.size()) return mismatch;
  for (const auto& [name, type] : wanted) {
    auto it = key.FindMember(name.c_str());
    if (it == key.MemberEnd() || TypeOf(it->value) != type) return mismatch;
  }
  return core::Status();
}

void WriteIndexItemKey(JsonWriter& out, const TableDefinition& d, const IndexSchema& index,
                       const std::string& item_json) {
  rapidjson::Document item;
  item.Parse(item_json.data(), item_json.size());
  out.StartObject();
  std::vector<const std::string*> written;
  for (const std::string* name : {&d.hash_name, &d.range_name, &index.hash.name, &index.range.name}) {
    if (name->empty() || std::find_if(written.begin(), written.end(), [&](const std::string* w) {
                           return *w == *name;
                         }) != written.end()) {
      continue;
    }
    written.push_back(name);
    out.Key(name->data(), static_cast<rapidjson::SizeType>(name->size()));
    item[name->c_str()].Accept(out);
  }
  out.EndObject();
}

IndexView ViewOf(const TableDefinition& d, const IndexRead& index, bool all_projected) {
  IndexView view{&d, index.schema, false, false};
  if (index.schema->projection == ProjectionType::kAll) return view;
  if (index.schema->kind == IndexKind::kGlobal) {
    view.output = view.filter = true;
  } else {
    view.output = all_projected;  // an LSI fetches the rest from the table when asked for it
  }
  return view;
}

void VisitIndexPartition(const Table& t, const IndexRead& index, const std::string& partition, bool forward,
                         const rapidjson::Value* start, const std::function<bool(const std::string&)>& visit) {
  const IndexPartition* part = PartitionOf(t, index, partition);
  if (!part) return;
  std::optional<IndexEntry> after;
  if (start) after = StartEntry(t.definition, index, *start);
  Walk(t, *part, forward, after, visit);
}

void VisitIndexScan(const Table& t, const IndexRead& index, std::optional<int64_t> segment, int64_t total_segments,
                    const rapidjson::Value* start, const std::function<bool(const std::string&)>& visit) {
  const IndexData* data = FindIndexData(t, index.schema->name);
  if (!data) return;
  auto part = data->partitions.begin();
  std::optional<IndexEntry> after;
  std::string after_partition;
  if (start) {
    after = StartEntry(t.definition, index, *start);
    after_partition = KeyBytes((*start)[index.keys.hash_name.c_str()]);
    part = data->partitions.lower_bound(after_partition);
  }
  for (; part != data->partitions.end(); ++part) {
    if (segment && SegmentOf(part->first, total_segments) != *segment) continue;
    const bool resume = after && part->first == after_partition;
    if (!Walk(t, part->second, true, resume ? after : std::nullopt, visit)) return;
  }
}

}  // namespace kmslab::ddb::ops
