// Pure index logic: write-time key checks, membership (sparse), projection,
// entry order and the schemas' metadata JSON.
#include <doctest/doctest.h>

#include <rapidjson/document.h>

#include "ddb/indexes.h"

namespace kmslab::ddb {
namespace {

rapidjson::Document Json(const char* text) {
  rapidjson::Document d;
  d.Parse(text);
  return d;
}

IndexSchema Gsi() {
  IndexSchema i;
  i.name = "by-city";
  i.hash = {"city", "S"};
  i.range = {"score", "N"};
  i.projection = ProjectionType::kInclude;
  i.non_key_attributes = {"label"};
  return i;
}

TableDefinition TableDef() {
  TableDefinition d;
  d.hash_name = "pk";
  d.range_name = "sk";
  d.attributes = {{"pk", "S"}, {"sk", "S"}};
  return d;
}

TEST_CASE("index keys are checked only when present, by type and for emptiness") {
  const std::vector<IndexSchema> indexes{Gsi()};
  CHECK(ValidateIndexKeys(indexes, Json(R"({"pk":{"S":"a"}})")).ok());
  CHECK(ValidateIndexKeys(indexes, Json(R"({"city":{"S":"Oslo"},"score":{"N":"1"}})")).ok());
  core::Status mismatch = ValidateIndexKeys(indexes, Json(R"({"score":{"S":"high"}})"));
  CHECK(mismatch.message() ==
        "One or more parameter values were invalid: Type mismatch for Index Key score Expected: N Actual: S "
        "IndexName: by-city");
  core::Status empty = ValidateIndexKeys(indexes, Json(R"({"city":{"S":""}})"));
  CHECK(empty.message() ==
        "One or more parameter values are not valid. A value specified for a secondary index key is not supported. "
        "The AttributeValue for a key attribute cannot contain an empty string value. IndexName: by-city, "
        "IndexKey: city");
  std::vector<IndexSchema> deleting{Gsi()};
  deleting[0].status = IndexStatus::kDeleting;
  CHECK(ValidateIndexKeys(deleting, Json(R"({"score":{"S":"high"}})")).ok());
}

TEST_CASE("an item is in an index only with every index key of the right type") {
  const IndexSchema gsi = Gsi();
  CHECK(InIndex(gsi, Json(R"({"city":{"S":"Oslo"},"score":{"N":"1"}})")));
  CHECK_FALSE(InIndex(gsi, Json(R"({"city":{"S":"Oslo"}})")));
  CHECK_FALSE(InIndex(gsi, Json(R"({"city":{"N":"1"},"score":{"N":"1"}})")));
}

TEST_CASE("projection keeps the table's and the index's keys and the included attributes") {
  const rapidjson::Document item = Json(
      R"({"pk":{"S":"a"},"sk":{"S":"1"},"city":{"S":"Oslo"},"score":{"N":"1"},"label":{"S":"l"},"extra":{"S":"x"}})");
  IndexSchema gsi = Gsi();
  rapidjson::Document projected = ProjectForIndex(TableDef(), gsi, item);
  CHECK(projected.MemberCount() == 5);
  CHECK_FALSE(projected.HasMember("extra"));
  gsi.projection = ProjectionType::kKeysOnly;
  CHECK(ProjectForIndex(TableDef(), gsi, item).MemberCount() == 4);
  gsi.projection = ProjectionType::kAll;
  CHECK(ProjectForIndex(TableDef(), gsi, item).MemberCount() == 6);
}

TEST_CASE("entries order by index sort key, then by table key (GSI keys need not be unique)") {
  IndexEntryLess less;
  IndexEntry a{{'N', "2"}, "S:b", {'S', "1"}}, b{{'N', "10"}, "S:a", {'S', "1"}}, c{{'N', "10"}, "S:b", {'S', "0"}};
  CHECK(less(a, b));  // 2 < 10 numerically
  CHECK(less(b, c));
  CHECK_FALSE(less(c, b));
  CHECK_FALSE(less(a, a));
}

TEST_CASE("schemas survive the metadata JSON") {
  IndexSchema gsi = Gsi();
  gsi.status = IndexStatus::kCreating;
  gsi.created_online = true;
  gsi.next_status_ms = 1234;
  gsi.max_read_units = -1;
  IndexSchema lsi;
  lsi.name = "by-day";
  lsi.kind = IndexKind::kLocal;
  lsi.hash = {"pk", "S"};
  lsi.range = {"day", "S"};
  lsi.projection = ProjectionType::kKeysOnly;
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  WriteIndexSchemas(w, {gsi, lsi});
  rapidjson::Document doc = Json(buffer.GetString());
  std::vector<IndexSchema> back;
  REQUIRE(ReadIndexSchemas(doc, &back));
  REQUIRE(back.size() == 2);
  CHECK(back[0].name == "by-city");
  CHECK(back[0].range.type == "N");
  CHECK(back[0].non_key_attributes == std::vector<std::string>{"label"});
  CHECK(back[0].status == IndexStatus::kCreating);
  CHECK(back[0].created_online);
  CHECK(back[0].next_status_ms == 1234);
  CHECK(back[0].max_read_units == -1);
  CHECK_FALSE(back[0].max_write_units);
  CHECK(back[1].kind == IndexKind::kLocal);
  CHECK(back[1].projection == ProjectionType::kKeysOnly);
  std::vector<IndexSchema> none;
  CHECK_FALSE(ReadIndexSchemas(Json(R"([{"name":"x"}])"), &none));
}

}  // namespace
}  // namespace kmslab::ddb
