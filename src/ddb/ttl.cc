#include "ddb/ttl.h"

#include <cstdio>

#include "ddb/attribute_value.h"

namespace kmslab::ddb {

namespace {

constexpr int64_t kFiveYearsMs = 5LL * 365 * 24 * 3600 * 1000;

// `ms` as a decimal number of seconds ("1764777600.250").
std::string Seconds(int64_t ms) {
  const bool negative = ms < 0;
  const uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(ms) : static_cast<uint64_t>(ms);
  char text[48];
  std::snprintf(text, sizeof text, "%s%llu.%03llu", negative ? "-" : "",
                static_cast<unsigned long long>(magnitude / 1000), static_cast<unsigned long long>(magnitude % 1000));
  return text;
}

}  // namespace

bool TtlExpired(const rapidjson::Value& item, const std::string& attribute, int64_t now_ms) {
  if (!item.IsObject() || attribute.empty()) return false;
  auto it = item.FindMember(attribute.c_str());
  if (it == item.MemberEnd() || TypeOf(it->value) != "N") return false;
  const rapidjson::Value& n = it->value.MemberBegin()->value;
  const std::string_view value(n.GetString(), n.GetStringLength());
  return CompareNumbers(value, Seconds(now_ms)) < 0 && CompareNumbers(value, Seconds(now_ms - kFiveYearsMs)) >= 0;
}

void WriteTtlMeta(rapidjson::Writer<rapidjson::StringBuffer>& w, const TimeToLive& ttl) {
  w.Key("ttl");
  w.StartObject();
  w.Key("enabled");
  w.Bool(ttl.enabled);
  w.Key("attribute");
  w.String(ttl.attribute);
  w.Key("changedMs");
  w.Int64(ttl.changed_ms);
  w.Key("keyFailedMs");
  w.Int64(ttl.key_failed_ms);
  w.EndObject();
}

void ReadTtlMeta(const rapidjson::Value& meta, TimeToLive* ttl) {
  auto it = meta.FindMember("ttl");
  if (it == meta.MemberEnd() || !it->value.IsObject()) return;
  const rapidjson::Value& v = it->value;
  auto member = [&](const char* name) -> const rapidjson::Value* {
    auto m = v.FindMember(name);
    return m == v.MemberEnd() ? nullptr : &m->value;
  };
  if (const rapidjson::Value* e = member("enabled"); e && e->IsBool()) ttl->enabled = e->GetBool();
  if (const rapidjson::Value* a = member("attribute"); a && a->IsString()) ttl->attribute = a->GetString();
  if (const rapidjson::Value* c = member("changedMs"); c && c->IsInt64()) ttl->changed_ms = c->GetInt64();
  if (const rapidjson::Value* k = member("keyFailedMs"); k && k->IsInt64()) ttl->key_failed_ms = k->GetInt64();
  if (ttl->attribute.empty()) ttl->enabled = false;
}

}  // namespace kmslab::ddb
