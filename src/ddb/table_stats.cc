#include "ddb/table_stats.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "ddb/indexes.h"

namespace kmslab::ddb {

store::DdbItemWrite TableStatsRow(const Table& t) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("items");
  w.Int64(t.item_count);
  w.Key("bytes");
  w.Int64(t.size_bytes);
  w.Key("indexes");
  w.StartObject();
  static const std::vector<IndexSchema> kNone;
  const IndexList indexes = IndexesOf(t);  // null without indexes
  for (const IndexSchema& index : indexes ? *indexes : kNone) {
    const IndexCounts counts = IndexCountsOf(t, index.name);
    w.Key(index.name.c_str());
    w.StartArray();
    w.Int64(counts.item_count);
    w.Int64(counts.size_bytes);
    w.EndArray();
  }
  w.EndObject();
  w.EndObject();
  store::DdbItemWrite row;
  row.table_id = t.table_id;
  row.sealed.assign(buffer.GetString(), buffer.GetSize());
  row.kind = store::DdbItemWrite::Kind::kTableStats;
  return row;
}

void ApplyStoredStats(Table& t, const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return;
  auto number = [&](const char* name) -> int64_t {
    auto it = doc.FindMember(name);
    return it != doc.MemberEnd() && it->value.IsInt64() && it->value.GetInt64() >= 0 ? it->value.GetInt64() : 0;
  };
  t.item_count = number("items");
  t.size_bytes = number("bytes");
  t.stored_index_counts.clear();
  auto indexes = doc.FindMember("indexes");
  if (indexes == doc.MemberEnd() || !indexes->value.IsObject()) return;
  for (auto it = indexes->value.MemberBegin(); it != indexes->value.MemberEnd(); ++it) {
    const rapidjson::Value& v = it->value;
    if (!v.IsArray() || v.Size() != 2 || !v[0].IsInt64() || !v[1].IsInt64()) continue;
    if (v[0].GetInt64() < 0 || v[1].GetInt64() < 0) continue;
    t.stored_index_counts[it->name.GetString()] = IndexCounts{v[0].GetInt64(), v[1].GetInt64()};
  }
}

IndexCounts IndexCountsOf(const Table& t, const std::string& name) {
  if (t.loaded) {
    const IndexData* data = FindIndexData(t, name);
    return data ? IndexCounts{data->item_count, data->size_bytes} : IndexCounts{};
  }
  auto it = t.stored_index_counts.find(name);
  return it == t.stored_index_counts.end() ? IndexCounts{} : it->second;
}

}  // namespace kmslab::ddb
