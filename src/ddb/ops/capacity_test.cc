#include "ddb/ops/capacity.h"

#include <doctest/doctest.h>

#include "ddb/test_support.h"

namespace kmslab::ddb::ops {
namespace {

using testing::Json;

TEST_CASE("reads count 4 KB units, halved when eventually consistent, at least one") {
  CHECK(ReadUnits(0, true) == 1);  // no item found still reads
  CHECK(ReadUnits(0, false) == 0.5);
  CHECK(ReadUnits(4096, true) == 1);
  CHECK(ReadUnits(4097, true) == 2);
  CHECK(ReadUnits(10 * 1024, false) == 1.5);  // 12 KB, halved
  CHECK(ReadUnits(400 * 1024, true) == 100);
}

TEST_CASE("writes count 1 KB units, at least one") {
  CHECK(WriteUnits(0) == 1);
  CHECK(WriteUnits(1) == 1);
  CHECK(WriteUnits(1024) == 1);
  CHECK(WriteUnits(1025) == 2);
  CHECK(WriteUnits(400 * 1024) == 400);
}

TEST_CASE("ReturnConsumedCapacity: NONE by default, TOTAL and INDEXES, anything else the enum error") {
  CHECK(ReadCapacityReport(Json("{}")).value() == CapacityReport::kNone);
  CHECK(ReadCapacityReport(Json(R"({"ReturnConsumedCapacity":"NONE"})")).value() == CapacityReport::kNone);
  CHECK(ReadCapacityReport(Json(R"({"ReturnConsumedCapacity":"TOTAL"})")).value() == CapacityReport::kTotal);
  CHECK(ReadCapacityReport(Json(R"({"ReturnConsumedCapacity":"INDEXES"})")).value() == CapacityReport::kIndexes);
  const auto bad = ReadCapacityReport(Json(R"({"ReturnConsumedCapacity":"total"})"));
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().aws_type() == "ValidationException");
  CHECK(bad.status().message() ==
        "1 validation error detected: Value 'total' at 'returnConsumedCapacity' failed to satisfy constraint: "
        "Member must satisfy enum value set: [INDEXES, TOTAL, NONE]");
  CHECK(ReadCapacityReport(Json(R"({"ReturnConsumedCapacity":1})")).status().aws_type() == "SerializationException");
}

TEST_CASE("ConsumedCapacity names the table as the request did; INDEXES adds the table's share") {
  for (CapacityReport report : {CapacityReport::kTotal, CapacityReport::kIndexes}) {
    rapidjson::StringBuffer buffer;
    JsonWriter out(buffer);
    WriteConsumedCapacity(out, report, "music", 1.5);
    CHECK(std::string(buffer.GetString()) ==
          (report == CapacityReport::kTotal
               ? R"({"TableName":"music","CapacityUnits":1.5})"
               : R"({"TableName":"music","CapacityUnits":1.5,"Table":{"CapacityUnits":1.5}})"));
  }
}

TEST_CASE("INDEXES splits the total into the table and each index; TOTAL counts them all") {
  Consumed consumed;
  consumed.table = 1;
  IndexSchema gsi, lsi;
  gsi.name = "by-city";
  lsi.name = "by-day";
  lsi.kind = IndexKind::kLocal;
  consumed.AddIndex(gsi, 2);
  consumed.AddIndex(lsi, 1);
  consumed.AddIndex(gsi, 1);
  CHECK(consumed.Total() == 5);
  for (CapacityReport report : {CapacityReport::kTotal, CapacityReport::kIndexes}) {
    rapidjson::StringBuffer buffer;
    JsonWriter out(buffer);
    WriteConsumedCapacity(out, report, "music", consumed);
    CHECK(std::string(buffer.GetString()) ==
          (report == CapacityReport::kTotal
               ? R"({"TableName":"music","CapacityUnits":5.0})"
               : R"({"TableName":"music","CapacityUnits":5.0,"Table":{"CapacityUnits":1.0},)"
                 R"("LocalSecondaryIndexes":{"by-day":{"CapacityUnits":1.0}},)"
                 R"("GlobalSecondaryIndexes":{"by-city":{"CapacityUnits":3.0}}})"));
    // Read back, as a batch totals its statements: INDEXES keeps the split, TOTAL the total.
    Consumed back = ConsumedOf(Json(buffer.GetString()));
    CHECK(back.Total() == 5);
    CHECK(back.table == (report == CapacityReport::kTotal ? 5 : 1));
    CHECK(back.global_indexes.size() == (report == CapacityReport::kTotal ? 0u : 1u));
  }
}

TEST_CASE("a write costs an index one write to enter or leave it, two to move in it, none outside it") {
  TableDefinition d;
  d.hash_name = "pk";
  d.attributes = {{"pk", "S"}};
  IndexSchema gsi;
  gsi.name = "by-city";
  gsi.hash = {"city", "S"};
  gsi.projection = ProjectionType::kKeysOnly;
  const rapidjson::Document none = Json(R"({"pk":{"S":"a"},"v":{"S":"1"}})");
  const rapidjson::Document oslo = Json(R"({"pk":{"S":"a"},"city":{"S":"Oslo"},"v":{"S":"1"}})");
  const rapidjson::Document oslo_v2 = Json(R"({"pk":{"S":"a"},"city":{"S":"Oslo"},"v":{"S":"2"}})");
  const rapidjson::Document rome = Json(R"({"pk":{"S":"a"},"city":{"S":"Rome"},"v":{"S":"1"}})");
  CHECK(IndexWriteUnits(d, gsi, nullptr, &none) == 0);  // sparse: never in it
  CHECK(IndexWriteUnits(d, gsi, &none, &none) == 0);
  CHECK(IndexWriteUnits(d, gsi, nullptr, &oslo) == 1);   // a put
  CHECK(IndexWriteUnits(d, gsi, &none, &oslo) == 1);     // the key attribute added
  CHECK(IndexWriteUnits(d, gsi, &oslo, nullptr) == 1);   // a delete
  CHECK(IndexWriteUnits(d, gsi, &oslo, &none) == 1);     // the key attribute removed
  CHECK(IndexWriteUnits(d, gsi, &oslo, &rome) == 2);     // moved: a delete and a put
  CHECK(IndexWriteUnits(d, gsi, &oslo, &oslo_v2) == 0);  // KEYS_ONLY: nothing it holds changed
  gsi.projection = ProjectionType::kAll;
  CHECK(IndexWriteUnits(d, gsi, &oslo, &oslo_v2) == 1);  // a projected attribute changed
  // Entries are counted by 1 KB of what the index holds.
  const std::string big(1500, 'x');
  const rapidjson::Document large = Json(R"({"pk":{"S":"a"},"city":{"S":"Oslo"},"v":{"S":")" + big + R"("}})");
  CHECK(IndexWriteUnits(d, gsi, nullptr, &large) == 2);
  CHECK(IndexWriteUnits(d, gsi, &large, &rome) == 3);
  gsi.projection = ProjectionType::kKeysOnly;
  CHECK(IndexWriteUnits(d, gsi, nullptr, &large) == 1);
}

TEST_CASE("AddIndexWrites charges each index by kind and skips indexes being deleted") {
  TableDefinition d;
  d.hash_name = "pk";
  d.range_name = "sk";
  d.attributes = {{"pk", "S"}, {"sk", "S"}};
  std::vector<IndexSchema> list(3);
  list[0].name = "by-city";
  list[0].hash = {"city", "S"};
  list[1].name = "by-day";
  list[1].kind = IndexKind::kLocal;
  list[1].hash = {"pk", "S"};
  list[1].range = {"day", "S"};
  list[2].name = "going";
  list[2].hash = {"city", "S"};
  list[2].status = IndexStatus::kDeleting;
  const IndexList indexes = std::make_shared<const std::vector<IndexSchema>>(list);
  Consumed consumed;
  AddIndexWrites(d, indexes, R"({"pk":{"S":"a"},"sk":{"S":"1"},"city":{"S":"Oslo"}})",
                 R"({"pk":{"S":"a"},"sk":{"S":"1"},"city":{"S":"Rome"},"day":{"S":"d"}})", consumed);
  CHECK(consumed.table == 0);
  CHECK(consumed.global_indexes == std::map<std::string, double>{{"by-city", 2}});
  CHECK(consumed.local_indexes == std::map<std::string, double>{{"by-day", 1}});
  AddIndexWrites(d, nullptr, "", R"({"pk":{"S":"a"},"sk":{"S":"1"},"city":{"S":"Oslo"}})", consumed);
  CHECK(consumed.Total() == 3);
}

}  // namespace
}  // namespace kmslab::ddb::ops
