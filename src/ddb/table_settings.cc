#include "ddb/table_settings.h"

#include "core/strings.h"
#include "ddb/errors.h"

namespace kmslab::ddb {

namespace {

const rapidjson::Value* Member(const rapidjson::Value& v, const char* name) {
  auto it = v.FindMember(name);
  return it == v.MemberEnd() || it->value.IsNull() ? nullptr : &it->value;
}

}  // namespace

std::string_view TableClassName(TableClass c) {
  return c == TableClass::kStandard ? "STANDARD" : "STANDARD_INFREQUENT_ACCESS";
}

core::StatusOr<TableClass> ReadTableClass(const rapidjson::Value& value) {
  if (!value.IsString()) return SerializationError("Unexpected value type for TableClass");
  const std::string_view name(value.GetString(), value.GetStringLength());
  if (name == "STANDARD") return TableClass::kStandard;
  if (name == "STANDARD_INFREQUENT_ACCESS") return TableClass::kStandardInfrequentAccess;
  return ValidationError(
      "Invalid table-class parameter provided. Please try again with a valid table-class value: [STANDARD, "
      "STANDARD_INFREQUENT_ACCESS].");
}

core::Status CheckTagKey(const std::string& key) {
  if (key.empty() || key.size() > 128) return ValidationError("The Tag Key provided is invalid, Key: " + key);
  return core::Status();
}

core::StatusOr<Tags> ReadTags(const rapidjson::Value& list) {
  if (!list.IsArray()) return SerializationError("Start of list found where not expected");
  if (list.Size() > kMaxTags) {
    return ValidationError("Number of Tags exceed the current limit for the provided ResourceArn");
  }
  Tags tags;
  for (const rapidjson::Value& tag : list.GetArray()) {
    if (!tag.IsObject()) return SerializationError("Start of structure or map expected");
    const rapidjson::Value* key = Member(tag, "Key");
    const rapidjson::Value* value = Member(tag, "Value");
    if ((key && !key->IsString()) || (value && !value->IsString())) {
      return SerializationError("Unexpected value type in Tags");
    }
    const std::string k = key ? std::string(key->GetString(), key->GetStringLength()) : "";
    RETURN_IF_ERROR(CheckTagKey(k));
    if (!value) return ValidationError("The Tag Value provided is invalid, Value: null");
    std::string v(value->GetString(), value->GetStringLength());
    if (v.size() > 256) return ValidationError("The Tag Value provided is invalid, Value: " + v);
    if (k.compare(0, 4, "aws:") == 0) return ValidationError("Tag Key cannot be prefixed with aws:, Key: " + k);
    for (const auto& seen : tags) {
      if (seen.first == k) {
        return ValidationError("Duplicate Tag Keys provided as input: Duplicate Tag Key found " + k);
      }
    }
    tags.emplace_back(k, std::move(v));
  }
  return tags;
}

core::StatusOr<Tags> MergeTags(const Tags& current, const Tags& added) {
  Tags merged = current;
  for (const auto& tag : added) {
    bool replaced = false;
    for (auto& existing : merged) {
      if (existing.first == tag.first) {
        existing.second = tag.second;
        replaced = true;
      }
    }
    if (!replaced) merged.push_back(tag);
  }
  if (merged.size() > kMaxTags) {
    return ValidationError("Number of Tags exceed the current limit for the provided ResourceArn");
  }
  return merged;
}

core::Status CheckTableClassQuota(std::vector<int64_t>& changes_ms, int64_t now_ms) {
  constexpr int64_t kThirtyDays = 30LL * 24 * 3600 * 1000;
  while (!changes_ms.empty() && changes_ms.front() <= now_ms - kThirtyDays) changes_ms.erase(changes_ms.begin());
  if (changes_ms.size() < 2) return core::Status();
  return LimitExceeded("Subscriber limit exceeded: Table class can be updated at most 2 times in a 30 day period. "
                       "Next update allowed after " +
                       core::FormatIso8601(changes_ms.front() + kThirtyDays));
}

void WriteTagList(rapidjson::Writer<rapidjson::StringBuffer>& w, const Tags& tags) {
  w.StartArray();
  for (const auto& tag : tags) {
    w.StartArray();
    w.String(tag.first);
    w.String(tag.second);
    w.EndArray();
  }
  w.EndArray();
}

Tags ReadTagList(const rapidjson::Value* list) {
  Tags tags;
  if (!list || !list->IsArray()) return tags;
  for (const auto& t : list->GetArray()) {
    if (t.IsArray() && t.Size() == 2 && t[0].IsString() && t[1].IsString() && tags.size() < kMaxTags) {
      tags.emplace_back(t[0].GetString(), t[1].GetString());
    }
  }
  return tags;
}

void WriteSettingsMeta(rapidjson::Writer<rapidjson::StringBuffer>& w, const TableSettings& s) {
  w.Key("settings");
  w.StartObject();
  w.Key("tags");
  WriteTagList(w, s.tags);
  w.Key("deletionProtection");
  w.Bool(s.deletion_protection);
  w.Key("tableClass");
  w.String(std::string(TableClassName(s.table_class)));
  w.Key("tableClassSetMs");
  w.Int64(s.table_class_set_ms);
  w.Key("tableClassChangesMs");
  w.StartArray();
  for (int64_t t : s.table_class_changes_ms) w.Int64(t);
  w.EndArray();
  if (s.billing) {
    w.Key("billing");
    w.StartArray();
    w.Bool(s.billing->pay_per_request);
    w.Int64(s.billing->read_capacity);
    w.Int64(s.billing->write_capacity);
    w.EndArray();
  }
  w.Key("payPerRequestSinceMs");
  w.Int64(s.pay_per_request_since_ms);
  w.EndObject();
}

void ReadSettingsMeta(const rapidjson::Value& meta, TableSettings* s) {
  const rapidjson::Value* v = Member(meta, "settings");
  if (!v || !v->IsObject()) return;
  s->tags = ReadTagList(Member(*v, "tags"));
  if (const rapidjson::Value* d = Member(*v, "deletionProtection"); d && d->IsBool()) {
    s->deletion_protection = d->GetBool();
  }
  if (const rapidjson::Value* c = Member(*v, "tableClass"); c) {
    auto parsed = ReadTableClass(*c);
    if (parsed.ok()) s->table_class = *parsed;
  }
  if (const rapidjson::Value* m = Member(*v, "tableClassSetMs"); m && m->IsInt64()) s->table_class_set_ms = m->GetInt64();
  if (const rapidjson::Value* changes = Member(*v, "tableClassChangesMs"); changes && changes->IsArray()) {
    for (const auto& t : changes->GetArray())
      if (t.IsInt64() && s->table_class_changes_ms.size() < 2) s->table_class_changes_ms.push_back(t.GetInt64());
  }
  if (const rapidjson::Value* b = Member(*v, "billing");
      b && b->IsArray() && b->Size() == 3 && (*b)[0].IsBool() && (*b)[1].IsInt64() && (*b)[2].IsInt64()) {
    s->billing = Billing{(*b)[0].GetBool(), (*b)[1].GetInt64(), (*b)[2].GetInt64()};
  }
  if (const rapidjson::Value* m = Member(*v, "payPerRequestSinceMs"); m && m->IsInt64()) {
    s->pay_per_request_since_ms = m->GetInt64();
  }
}

}  // namespace kmslab::ddb
