#include "ddb/index_schema.h"

namespace kmslab::ddb {

const char* ProjectionTypeName(ProjectionType type) {
  switch (type) {
    case ProjectionType::kKeysOnly: return "KEYS_ONLY";
    case ProjectionType::kInclude: return "INCLUDE";
    case ProjectionType::kAll: return "ALL";
  }
  return "ALL";
}

const char* IndexStatusName(IndexStatus status) {
  switch (status) {
    case IndexStatus::kCreating: return "CREATING";
    case IndexStatus::kActive: return "ACTIVE";
    case IndexStatus::kUpdating: return "UPDATING";
    case IndexStatus::kDeleting: return "DELETING";
  }
  return "ACTIVE";
}

const IndexSchema* FindIndexSchema(const std::vector<IndexSchema>& indexes, const std::string& name) {
  for (const IndexSchema& i : indexes)
    if (i.name == name) return &i;
  return nullptr;
}

namespace {

std::string Str(const rapidjson::Value& v, const char* name) {
  auto it = v.FindMember(name);
  return it != v.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}
int64_t Int(const rapidjson::Value& v, const char* name) {
  auto it = v.FindMember(name);
  return it != v.MemberEnd() && it->value.IsInt64() ? it->value.GetInt64() : 0;
}
std::optional<int64_t> OptInt(const rapidjson::Value& v, const char* name) {
  auto it = v.FindMember(name);
  if (it == v.MemberEnd() || !it->value.IsInt64()) return std::nullopt;
  return it->value.GetInt64();
}

}  // namespace

void WriteIndexSchemas(rapidjson::Writer<rapidjson::StringBuffer>& w, const std::vector<IndexSchema>& indexes) {
  w.StartArray();
  for (const IndexSchema& i : indexes) {
    w.StartObject();
    w.Key("name");
    w.String(i.name);
    w.Key("local");
    w.Bool(i.kind == IndexKind::kLocal);
    w.Key("hash");
    w.String(i.hash.name);
    w.Key("hashType");
    w.String(i.hash.type);
    w.Key("range");
    w.String(i.range.name);
    w.Key("rangeType");
    w.String(i.range.type);
    w.Key("projection");
    w.Int(static_cast<int>(i.projection));
    w.Key("nonKey");
    w.StartArray();
    for (const std::string& a : i.non_key_attributes) w.String(a);
    w.EndArray();
    w.Key("read");
    w.Int64(i.read_capacity);
    w.Key("write");
    w.Int64(i.write_capacity);
    if (i.max_read_units) {
      w.Key("maxRead");
      w.Int64(*i.max_read_units);
    }
    if (i.max_write_units) {
      w.Key("maxWrite");
      w.Int64(*i.max_write_units);
    }
    w.Key("status");
    w.Int(static_cast<int>(i.status));
    w.Key("backfilling");
    w.Bool(i.backfilling);
    w.Key("online");
    w.Bool(i.created_online);
    w.Key("nextStatusMs");
    w.Int64(i.next_status_ms);
    w.EndObject();
  }
  w.EndArray();
}

bool ReadIndexSchemas(const rapidjson::Value& v, std::vector<IndexSchema>* indexes) {
  if (!v.IsArray()) return false;
  for (const auto& e : v.GetArray()) {
    if (!e.IsObject()) return false;
    IndexSchema i;
    i.name = Str(e, "name");
    auto local = e.FindMember("local");
    i.kind = local != e.MemberEnd() && local->value.IsBool() && local->value.GetBool() ? IndexKind::kLocal
                                                                                       : IndexKind::kGlobal;
    i.hash = {Str(e, "hash"), Str(e, "hashType")};
    i.range = {Str(e, "range"), Str(e, "rangeType")};
    const int64_t projection = Int(e, "projection"), status = Int(e, "status");
    if (i.name.empty() || i.hash.name.empty() || projection < 0 || projection > 2 || status < 0 || status > 3) {
      return false;
    }
    i.projection = static_cast<ProjectionType>(projection);
    i.status = static_cast<IndexStatus>(status);
    auto non_key = e.FindMember("nonKey");
    if (non_key != e.MemberEnd() && non_key->value.IsArray()) {
      for (const auto& a : non_key->value.GetArray())
        if (a.IsString()) i.non_key_attributes.push_back(a.GetString());
    }
    i.read_capacity = Int(e, "read");
    i.write_capacity = Int(e, "write");
    i.max_read_units = OptInt(e, "maxRead");
    i.max_write_units = OptInt(e, "maxWrite");
    auto flag = [&](const char* name) {
      auto it = e.FindMember(name);
      return it != e.MemberEnd() && it->value.IsBool() && it->value.GetBool();
    };
    i.backfilling = flag("backfilling");
    i.created_online = flag("online");
    i.next_status_ms = Int(e, "nextStatusMs");
    indexes->push_back(std::move(i));
  }
  return true;
}

}  // namespace kmslab::ddb
