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
  CHECK(ReadCapacityReport(Json(R"({"ReturnConsumedCapacity":1})")).status().aws_type() ==
        "SerializationException");
}

TEST_CASE("ConsumedCapacity names the table as the request did; INDEXES adds the table's share") {
  for (CapacityReport report : {CapacityReport::kTotal, CapacityReport::kIndexes}) {
    rapidjson::StringBuffer buffer;
    JsonWriter out(buffer);
    WriteConsumedCapacity(out, report, "music", 1.5);
    CHECK(std::string(buffer.GetString()) ==
          (report == CapacityReport::kTotal ? R"({"TableName":"music","CapacityUnits":1.5})"
                                            : R"({"TableName":"music","CapacityUnits":1.5,"Table":{"CapacityUnits":1.5}})"));
  }
}

}  // namespace
}  // namespace kmslab::ddb::ops
