#include "kms/request_reader.h"

#include <doctest/doctest.h>

namespace kmslab::kms {
namespace {

rapidjson::Document Parse(const char* json) {
  rapidjson::Document doc;
  doc.Parse(json);
  REQUIRE(doc.IsObject());
  return doc;
}

TEST_CASE("values are typed and constraint failures are worded as AWS does") {
  auto doc = Parse(R"({"KeyId": "", "NumberOfBytes": 2000, "Plaintext": "aGk=", "Algo": "X"})");
  RequestReader r(doc);
  CHECK_FALSE(r.String("KeyId", {.required = true, .min = 1}).has_value());
  CHECK_FALSE(r.Int("NumberOfBytes", {.min = 1, .max = 1024}).has_value());
  CHECK(r.Blob("Plaintext", {.min = 1, .max = 10}) == "hi");
  r.String("Algo", {.enum_values = {"A", "B"}});
  r.String("Missing", {.required = true});
  core::Status st = r.Finish();
  CHECK(st.aws_type() == "ValidationException");
  CHECK(st.message() ==
        "4 validation errors detected: Value '' at 'keyId' failed to satisfy constraint: Member must have length "
        "greater than or equal to 1; Value '2000' at 'numberOfBytes' failed to satisfy constraint: Member must have "
        "value less than or equal to 1024; Value 'X' at 'algo' failed to satisfy constraint: Member must satisfy "
        "enum value set: [A, B]; Value null at 'missing' failed to satisfy constraint: Member must not be null");
}

TEST_CASE("blob values are never echoed") {
  auto doc = Parse(R"({"Plaintext": "c2VjcmV0"})");
  RequestReader r(doc);
  CHECK_FALSE(r.Blob("Plaintext", {.max = 2}).has_value());
  core::Status st = r.Finish();
  CHECK(st.message() ==
        "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less "
        "than or equal to 2");
  CHECK(st.message().find("secret") == std::string::npos);
}

TEST_CASE("type mismatches come first, then unknown members") {
  auto doc = Parse(R"({"KeyId": 5, "Limit": "x"})");
  RequestReader r(doc);
  r.String("KeyId", {.required = true});
  r.Int("Limit");
  CHECK(r.Finish().aws_type() == "SerializationException");

  auto extra = Parse(R"({"KeyId": "k", "Bogus": 1})");
  RequestReader r2(extra);
  r2.String("KeyId");
  core::Status st = r2.Finish();
  CHECK(st.aws_type() == "ValidationException");
  CHECK(st.message().find("'Bogus'") != std::string::npos);
}

TEST_CASE("tags, maps and lists") {
  auto doc = Parse(R"({"Tags": [{"TagKey": "a", "TagValue": "1"}, {"TagKey": ""}], "Ctx": {"k": "v"},
                       "L": ["x", "y"]})");
  RequestReader r(doc);
  CHECK_FALSE(r.Tags("Tags", false).has_value());
  CHECK(r.Map("Ctx")->at("k") == "v");
  CHECK(r.StringList("L", {.max_items = 1}) == std::nullopt);
  core::Status st = r.Finish();
  CHECK(st.message().find("Value null at 'tags.2.member.tagValue'") != std::string::npos);
  CHECK(st.message().find("at 'l' failed to satisfy constraint: Member must have length less than or equal to 1") !=
        std::string::npos);
}

}  // namespace
}  // namespace kmslab::kms
