#include "core/json_members.h"

#include <doctest/doctest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>

namespace kmslab::core {
namespace {

std::string Normalized(const char* json) {
  rapidjson::Document doc;
  doc.Parse(json);
  REQUIRE_FALSE(doc.HasParseError());
  KeepLastMembers(doc, doc.GetAllocator());
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  doc.Accept(writer);
  return buffer.GetString();
}

TEST_CASE("a repeated name keeps its first place and its last value, at every level") {
  CHECK(Normalized(R"({"a":1,"b":2,"a":3})") == R"({"a":3,"b":2})");
  CHECK(Normalized(R"({"M":{"x":{"S":"1"},"x":{"N":"2"}}})") == R"({"M":{"x":{"N":"2"}}})");
  CHECK(Normalized(R"([{"k":1,"k":{"k":2,"k":3}}])") == R"([{"k":{"k":3}}])");
}

TEST_CASE("objects without repeats are unchanged, small and large") {
  CHECK(Normalized(R"({"a":1,"b":[{"c":null}]})") == R"({"a":1,"b":[{"c":null}]})");
  std::string many = "{";
  for (int i = 0; i < 40; ++i) many += (i ? ",\"" : "\"") + std::to_string(i) + "\":" + std::to_string(i);
  const std::string unique = many + "}";
  CHECK(Normalized(unique.c_str()) == unique);
  const std::string repeated = many + ",\"7\":\"last\"}";
  const std::string merged = Normalized(repeated.c_str());
  CHECK(merged.find("\"7\":\"last\"") != std::string::npos);
  CHECK(merged.find("\"7\":7") == std::string::npos);
  CHECK(merged.rfind("\"39\":39}") == merged.size() - 8);
}

}  // namespace
}  // namespace kmslab::core
