#include "ddb/ttl.h"

#include <doctest/doctest.h>

namespace kmslab::ddb {
namespace {

constexpr int64_t kNow = 1764777600000;  // 2025-12-03T16:00:00Z
constexpr int64_t kFiveYears = 5LL * 365 * 24 * 3600;

bool Expired(const char* json, int64_t now_ms = kNow) {
  rapidjson::Document item;
  item.Parse(json);
  return TtlExpired(item, "exp", now_ms);
}

std::string WithExp(int64_t seconds) {
  return R"({"pk":{"S":"a"},"exp":{"N":")" + std::to_string(seconds) + R"("}})";
}

TEST_CASE("an N of epoch seconds below now expires the item") {
  CHECK(Expired(WithExp(kNow / 1000 - 1).c_str()));
  CHECK(Expired(R"({"exp":{"N":"1764777599.999"}})"));
  CHECK(Expired(R"({"exp":{"N":"1.7647775E9"}})"));
}

TEST_CASE("now or later does not expire it") {
  CHECK_FALSE(Expired(WithExp(kNow / 1000).c_str()));
  CHECK_FALSE(Expired(WithExp(kNow / 1000 + 3600).c_str()));
  CHECK(Expired(WithExp(kNow / 1000).c_str(), kNow + 1));
}

TEST_CASE("more than five years old is kept; five years exactly is deleted") {
  CHECK(Expired(WithExp(kNow / 1000 - kFiveYears).c_str()));
  CHECK_FALSE(Expired(WithExp(kNow / 1000 - kFiveYears - 1).c_str()));
  CHECK_FALSE(Expired(R"({"exp":{"N":"0"}})"));
}

TEST_CASE("other types, nested or missing attributes are ignored") {
  CHECK_FALSE(Expired(R"({"exp":{"S":"1000"}})"));
  CHECK_FALSE(Expired(R"({"exp":{"NS":["1764777000"]}})"));
  CHECK_FALSE(Expired(R"({"m":{"M":{"exp":{"N":"1764777000"}}}})"));
  CHECK_FALSE(Expired(R"({"pk":{"S":"a"}})"));
  CHECK_FALSE(Expired(R"({"exp":{"L":[{"N":"1764777000"}]}})"));
}

TEST_CASE("the meta round-trips and an empty attribute means disabled") {
  TimeToLive ttl;
  ttl.enabled = true;
  ttl.attribute = "exp";
  ttl.changed_ms = 42;
  ttl.key_failed_ms = 7;
  ttl.next_sweep_ms = 99;
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  WriteTtlMeta(w, ttl);
  w.EndObject();
  rapidjson::Document doc;
  doc.Parse(buffer.GetString());
  TimeToLive back;
  ReadTtlMeta(doc, &back);
  CHECK(back.enabled);
  CHECK(back.attribute == "exp");
  CHECK(back.changed_ms == 42);
  CHECK(back.key_failed_ms == 7);
  CHECK(back.next_sweep_ms == 0);
  doc.Parse(R"({"ttl":{"enabled":true,"attribute":""}})");
  TimeToLive none;
  ReadTtlMeta(doc, &none);
  CHECK_FALSE(none.enabled);
}

}  // namespace
}  // namespace kmslab::ddb
