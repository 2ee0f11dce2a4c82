#include "ddb/indexes.h"

#include <algorithm>
#include <mutex>

#include "ddb/attribute_value.h"
#include "ddb/errors.h"
#include "ddb/service.h"
#include "ddb/table_stats.h"

namespace kmslab::ddb {

namespace {

const std::vector<IndexSchema> kNoIndexes;

const std::vector<IndexSchema>& ListOf(const IndexList& list) { return list ? *list : kNoIndexes; }

IndexEntries& EntriesOf(Table& t) {
  if (!t.index_entries) t.index_entries = std::make_shared<IndexEntries>();
  return *t.index_entries;
}

const rapidjson::Value* Member(const rapidjson::Value& item, const std::string& name) {
  auto it = item.FindMember(name.c_str());
  return it == item.MemberEnd() ? nullptr : &it->value;
}

IndexEntry EntryOf(const TableDefinition& d, const IndexSchema& index, const rapidjson::Value& item) {
  IndexEntry e;
  if (!index.range.name.empty()) e.sort = SortKeyOf(item[index.range.name.c_str()]);
  e.partition = KeyBytes(item[d.hash_name.c_str()]);
  if (!d.range_name.empty()) e.table_sort = SortKeyOf(item[d.range_name.c_str()]);
  return e;
}

int64_t EntrySize(const TableDefinition& d, const IndexSchema& index, const rapidjson::Value& item) {
  if (index.projection == ProjectionType::kAll) return ItemSizeBytes(item);
  return ItemSizeBytes(ProjectForIndex(d, index, item));
}

void Add(IndexData& data, const TableDefinition& d, const IndexSchema& index, const rapidjson::Value& item) {
  const std::string partition = KeyBytes(item[index.hash.name.c_str()]);
  if (data.partitions[partition].insert(EntryOf(d, index, item)).second) {
    ++data.item_count;
    data.size_bytes += EntrySize(d, index, item);
  }
}

void Remove(IndexData& data, const TableDefinition& d, const IndexSchema& index, const rapidjson::Value& item) {
  auto part = data.partitions.find(KeyBytes(item[index.hash.name.c_str()]));
  if (part == data.partitions.end()) return;
  if (part->second.erase(EntryOf(d, index, item)) == 0) return;
  --data.item_count;
  data.size_bytes -= EntrySize(d, index, item);
  if (part->second.empty()) data.partitions.erase(part);
}

void KeyElement(rapidjson::Writer<rapidjson::StringBuffer>& out, const std::string& name, const char* type) {
  out.StartObject();
  out.Key("AttributeName");
  out.String(name);
  out.Key("KeyType");
  out.String(type);
  out.EndObject();
}

void WriteOne(rapidjson::Writer<rapidjson::StringBuffer>& out, const Table& t, const IndexSchema& i,
              bool table_creating) {
  const IndexCounts counts = IndexCountsOf(t, i.name);
  const bool global = i.kind == IndexKind::kGlobal;
  out.StartObject();
  out.Key("IndexName");
  out.String(i.name);
  out.Key("KeySchema");
  out.StartArray();
  KeyElement(out, i.hash.name, "HASH");
  if (!i.range.name.empty()) KeyElement(out, i.range.name, "RANGE");
  out.EndArray();
  out.Key("Projection");
  out.StartObject();
  out.Key("ProjectionType");
  out.String(ProjectionTypeName(i.projection));
  if (i.projection == ProjectionType::kInclude) {
    out.Key("NonKeyAttributes");
    out.StartArray();
    for (const std::string& a : i.non_key_attributes) out.String(a);
    out.EndArray();
  }
  out.EndObject();
  if (global) {
    out.Key("IndexStatus");
    out.String(IndexStatusName(table_creating ? IndexStatus::kCreating : i.status));
    if (i.status == IndexStatus::kCreating && i.created_online) {
      out.Key("Backfilling");
      out.Bool(i.backfilling);
    }
    out.Key("ProvisionedThroughput");
    out.StartObject();
    out.Key("NumberOfDecreasesToday");
    out.Int(0);
    out.Key("ReadCapacityUnits");
    out.Int64(i.read_capacity);
    out.Key("WriteCapacityUnits");
    out.Int64(i.write_capacity);
    out.EndObject();
  }
  out.Key("IndexSizeBytes");
  out.Int64(counts.size_bytes);
  out.Key("ItemCount");
  out.Int64(counts.item_count);
  out.Key("IndexArn");
  out.String(t.arn + "/index/" + i.name);
  if (global && (i.max_read_units || i.max_write_units)) {
    out.Key("OnDemandThroughput");
    out.StartObject();
    out.Key("MaxReadRequestUnits");
    out.Int64(i.max_read_units.value_or(-1));
    out.Key("MaxWriteRequestUnits");
    out.Int64(i.max_write_units.value_or(-1));
    out.EndObject();
  }
  if (global && t.definition.billing_mode == "PAY_PER_REQUEST") {
    WriteWarmThroughput(out, i.status == IndexStatus::kCreating ? "UPDATING" : "ACTIVE");
  }
  out.EndObject();
}

}  // namespace

bool IndexEntryLess::operator()(const IndexEntry& a, const IndexEntry& b) const {
  SortKeyLess less;
  if (less(a.sort, b.sort)) return true;
  if (less(b.sort, a.sort)) return false;
  if (a.partition != b.partition) return a.partition < b.partition;
  return less(a.table_sort, b.table_sort);
}

IndexList IndexesOf(const Table& t) {
  std::lock_guard<std::mutex> lock(t.index_mu);
  return t.state.indexes;
}

void SetIndexes(Table& t, std::vector<IndexSchema> indexes) {
  IndexList list = indexes.empty() ? nullptr : std::make_shared<const std::vector<IndexSchema>>(std::move(indexes));
  std::lock_guard<std::mutex> lock(t.index_mu);
  t.state.indexes = std::move(list);
}

core::Status ValidateIndexKeys(const std::vector<IndexSchema>& indexes, const rapidjson::Value& item) {
  for (const IndexSchema& index : indexes) {
    if (index.status == IndexStatus::kDeleting) continue;
    for (const IndexKeyAttribute* key : {&index.hash, &index.range}) {
      if (key->name.empty()) continue;
      const rapidjson::Value* v = Member(item, key->name);
      if (!v) continue;
      const std::string_view actual = TypeOf(*v);
      if (actual != key->type) {
        return ValidationError("One or more parameter values were invalid: Type mismatch for Index Key " + key->name +
                               " Expected: " + key->type + " Actual: " + std::string(actual) +
                               " IndexName: " + index.name);
      }
      if (v->MemberBegin()->value.GetStringLength() == 0) {
        return ValidationError(
            "One or more parameter values are not valid. A value specified for a secondary index key is not "
            "supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: " +
            index.name + ", IndexKey: " + key->name);
      }
    }
  }
  return core::Status();
}

bool InIndex(const IndexSchema& index, const rapidjson::Value& item) {
  for (const IndexKeyAttribute* key : {&index.hash, &index.range}) {
    if (key->name.empty()) continue;
    const rapidjson::Value* v = Member(item, key->name);
    if (!v || TypeOf(*v) != key->type || v->MemberBegin()->value.GetStringLength() == 0) return false;
  }
  return true;
}

bool IndexProjects(const TableDefinition& d, const IndexSchema& index, const std::string& name) {
  if (index.projection == ProjectionType::kAll) return true;
  if (name == d.hash_name || name == d.range_name || name == index.hash.name || name == index.range.name) return true;
  return index.projection == ProjectionType::kInclude &&
         std::find(index.non_key_attributes.begin(), index.non_key_attributes.end(), name) !=
             index.non_key_attributes.end();
}

rapidjson::Document ProjectForIndex(const TableDefinition& d, const IndexSchema& index, const rapidjson::Value& item) {
  rapidjson::Document out;
  out.SetObject();
  for (const auto& m : item.GetObject()) {
    const std::string name(m.name.GetString(), m.name.GetStringLength());
    if (!IndexProjects(d, index, name)) continue;
    out.AddMember(rapidjson::Value(m.name, out.GetAllocator()), rapidjson::Value(m.value, out.GetAllocator()),
                  out.GetAllocator());
  }
  return out;
}

IndexList SettledIndexes(const IndexList& indexes, bool pay_per_request) {
  std::vector<IndexSchema> settled;
  for (const IndexSchema& i : ListOf(indexes)) {
    if (i.status == IndexStatus::kCreating || i.status == IndexStatus::kDeleting) continue;
    IndexSchema copy = i;
    copy.status = IndexStatus::kActive;
    copy.next_status_ms = 0;
    copy.created_online = copy.backfilling = false;
    if (pay_per_request) copy.read_capacity = copy.write_capacity = 0;
    settled.push_back(std::move(copy));
  }
  if (settled.empty()) return nullptr;
  return std::make_shared<const std::vector<IndexSchema>>(std::move(settled));
}

void UpdateIndexEntries(Table& t, const ItemChange& change) {
  const std::vector<IndexSchema>& indexes = ListOf(t.state.indexes);
  if (indexes.empty()) return;
  const rapidjson::Document& old_item = change.OldDocument();
  const rapidjson::Document& new_item = change.NewDocument();
  IndexEntries& entries = EntriesOf(t);
  for (const IndexSchema& index : indexes) {
    if (index.status == IndexStatus::kDeleting) continue;
    IndexData& data = entries.by_name[index.name];
    if (change.old_item && old_item.IsObject() && InIndex(index, old_item)) Remove(data, t.definition, index, old_item);
    if (change.new_item && new_item.IsObject() && InIndex(index, new_item)) Add(data, t.definition, index, new_item);
  }
}

void BuildIndexEntries(Table& t, const std::string& only) {
  const std::vector<IndexSchema>& indexes = ListOf(t.state.indexes);
  if (indexes.empty()) return;
  IndexEntries& entries = EntriesOf(t);
  for (const IndexSchema& index : indexes) {
    if (!only.empty() && index.name != only) continue;
    IndexData& data = entries.by_name[index.name];
    data = IndexData();
    if (index.status == IndexStatus::kDeleting) continue;
    for (const auto& [partition, items] : t.partitions) {
      for (const auto& [sort, json] : items) {
        rapidjson::Document item;
        item.Parse(json.data(), json.size());
        // Backfill skips items whose index keys have another type.
        if (item.IsObject() && InIndex(index, item)) Add(data, t.definition, index, item);
      }
    }
  }
}

const IndexData* FindIndexData(const Table& t, const std::string& name) {
  if (!t.index_entries) return nullptr;
  auto it = t.index_entries->by_name.find(name);
  return it == t.index_entries->by_name.end() ? nullptr : &it->second;
}

void WriteIndexDescriptions(rapidjson::Writer<rapidjson::StringBuffer>& out, const Table& t, bool table_creating) {
  const std::vector<IndexSchema>& indexes = ListOf(t.state.indexes);
  for (IndexKind kind : {IndexKind::kGlobal, IndexKind::kLocal}) {
    const bool any = std::any_of(indexes.begin(), indexes.end(), [&](const IndexSchema& i) { return i.kind == kind; });
    if (!any) continue;
    out.Key(kind == IndexKind::kGlobal ? "GlobalSecondaryIndexes" : "LocalSecondaryIndexes");
    out.StartArray();
    for (const IndexSchema& i : indexes)
      if (i.kind == kind) WriteOne(out, t, i, table_creating);
    out.EndArray();
  }
}

std::vector<AttributeDefinition> IndexAttributeDefinitions(const Table& t) {
  std::vector<AttributeDefinition> added;
  for (const IndexSchema& i : ListOf(t.state.indexes)) {
    for (const IndexKeyAttribute* key : {&i.hash, &i.range}) {
      if (key->name.empty() || !t.definition.TypeOf(key->name).empty()) continue;
      const bool seen = std::any_of(added.begin(), added.end(),
                                    [&](const AttributeDefinition& a) { return a.name == key->name; });
      if (!seen) added.push_back({key->name, key->type});
    }
  }
  return added;
}

bool IndexesChanging(const std::vector<IndexSchema>& indexes) {
  return std::any_of(indexes.begin(), indexes.end(),
                     [](const IndexSchema& i) { return i.status != IndexStatus::kActive; });
}

bool IndexAllocating(const std::vector<IndexSchema>& indexes) {
  return std::any_of(indexes.begin(), indexes.end(), [](const IndexSchema& i) {
    return (i.status == IndexStatus::kCreating && i.created_online && !i.backfilling) ||
           i.status == IndexStatus::kDeleting;
  });
}

const char* StatusWithIndexes(const Table& t) {
  return t.state.indexes && IndexAllocating(*t.state.indexes) ? "UPDATING" : "ACTIVE";
}

int64_t AdvanceIndexes(Service& s, Table& t, int64_t now) {
  auto next_due = [](const std::vector<IndexSchema>& indexes) {
    int64_t next = INT64_MAX;
    for (const IndexSchema& i : indexes)
      if (i.status != IndexStatus::kActive) next = std::min(next, i.next_status_ms);
    return next;
  };
  IndexList peek = IndexesOf(t);
  if (!peek || next_due(*peek) > now) return peek ? next_due(*peek) : INT64_MAX;
  std::unique_lock<std::shared_mutex> lock(t.mu);
  if (t.deleted || !t.state.indexes) return INT64_MAX;
  std::vector<IndexSchema> indexes = *t.state.indexes;
  for (auto it = indexes.begin(); it != indexes.end();) {
    IndexSchema& i = *it;
    while (i.status != IndexStatus::kActive && i.status != IndexStatus::kDeleting && i.next_status_ms <= now) {
      if (i.status == IndexStatus::kCreating && !i.backfilling) {
        i.backfilling = true;
        i.next_status_ms += s.options().index_backfill_ms;
      } else {
        i.status = IndexStatus::kActive;
        i.backfilling = false;
        i.next_status_ms = 0;
      }
    }
    if (i.status == IndexStatus::kDeleting && i.next_status_ms <= now) {
      if (t.index_entries) t.index_entries->by_name.erase(i.name);
      it = indexes.erase(it);
    } else {
      ++it;
    }
  }
  const int64_t next = next_due(indexes);
  SetIndexes(t, std::move(indexes));
  (void)s.SaveTable(t);
  return next;
}

}  // namespace kmslab::ddb
