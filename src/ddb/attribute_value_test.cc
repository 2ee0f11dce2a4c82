#include "ddb/attribute_value.h"

#include <doctest/doctest.h>

#include <string>

namespace kmslab::ddb {
namespace {

rapidjson::Document Json(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  REQUIRE_FALSE(doc.HasParseError());
  return doc;
}

// The ValidateAttributeValue message for `json`, "" when valid.
std::string AvError(const std::string& json) {
  core::Status status = ValidateAttributeValue(Json(json));
  if (!status.ok()) CHECK(status.aws_type() == "ValidationException");
  if (!status.ok()) CHECK(status.code() == core::Code::kInvalidArgument);
  return status.message();
}

constexpr char kEmpty[] = "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes";
constexpr char kNotNumeric[] = "The parameter cannot be converted to a numeric value";

TEST_CASE("valid attribute values of every type") {
  for (const char* json :
       {R"({"S":"x"})", R"({"S":""})", R"({"N":"1.5"})", R"({"N":"-0"})", R"({"N":"+7"})", R"({"N":".5"})",
        R"({"N":"5."})", R"({"N":"1E-130"})", R"({"N":"9.9999999999999999999999999999999999999E+125"})",
        R"({"N":"12345678901234567890123456789012345678"})", R"({"N":"1000000000000000000000000000000000000000000"})",
        R"({"B":"AAEC"})", R"({"BOOL":false})", R"({"NULL":true})", R"({"M":{}})",
        R"({"M":{"a":{"L":[{"S":"x"},{"M":{"b":{"N":"1"}}}]}}})", R"({"L":[]})", R"({"SS":["a","b"]})",
        R"({"NS":["1","2.5"]})", R"({"BS":["AA==","AQ=="]})"}) {
    CAPTURE(json);
    CHECK(AvError(json) == "");
  }
}

TEST_CASE("empty, unknown and multiple datatypes") {
  CHECK(AvError("{}") == kEmpty);
  CHECK(AvError(R"("S")") == kEmpty);
  CHECK(AvError(R"({"X":"a"})") == kEmpty);
  CHECK(AvError(R"({"S":1})") == kEmpty);
  CHECK(AvError(R"({"BOOL":"true"})") == kEmpty);
  CHECK(AvError(R"({"M":[]})") == kEmpty);
  CHECK(AvError(R"({"L":{}})") == kEmpty);
  CHECK(AvError(R"({"SS":[1]})") == kEmpty);
  CHECK(AvError(R"({"M":{"a":{}}})") == kEmpty);
  CHECK(AvError(R"({"L":[{"S":"a"},{}]})") == kEmpty);
  CHECK(AvError(R"({"S":"a","N":"1"})") ==
        "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported "
        "datatypes");
  // Values are checked before the count, as DynamoDB does.
  CHECK(AvError(R"({"S":"a","N":"b"})") == std::string(kNotNumeric) + ": b");
}

// A value whose leaf sits at `leaf_level`, wrapping it in M and L in turn.
std::string NestedValue(int leaf_level) {
  std::string json = R"({"S":"leaf"})";
  for (int level = leaf_level - 1; level >= 1; --level) {
    json = level % 2 ? R"({"M":{"n":)" + json + "}}" : R"({"L":[)" + json + "]}";
  }
  return json;
}

TEST_CASE("nesting: a leaf at level 32 passes, at level 33 fails with DynamoDB's text") {
  const std::string kTooDeep =
      "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported "
      "limit";
  CHECK(AvError(NestedValue(32)) == "");
  CHECK(AvError(NestedValue(33)) == kTooDeep);
  CHECK(AvError(NestedValue(60)) == kTooDeep);
  // Empty containers at level 32 have nothing below them.
  std::string empty_at_32 = NestedValue(32);
  empty_at_32.replace(empty_at_32.find(R"({"S":"leaf"})"), 12, R"({"L":[]})");
  CHECK(AvError(empty_at_32) == "");
  CHECK(ValidateItem(Json(R"({"a":)" + NestedValue(33) + "}")).message() == kTooDeep);
}

TEST_CASE("NULL must be true") {
  CHECK(AvError(R"({"NULL":false})") ==
        "One or more parameter values were invalid: Null attribute value types must have the value of true");
}

TEST_CASE("number validation") {
  CHECK(AvError(R"({"N":""})") == kNotNumeric);
  for (const char* bad : {"b", "1e", "--1", "1.2.3", " 1", "1 ", "0x10", "e5", ".", "-", "1e+", "Infinity", "NaN"}) {
    CAPTURE(bad);
    CHECK(AvError(std::string(R"({"N":")") + bad + "\"}") == std::string(kNotNumeric) + ": " + bad);
  }
  CHECK(AvError(R"({"N":"123456789012345678901234567890123456789"})") ==
        "Attempting to store more than 38 significant digits in a Number");
  CHECK(AvError(R"({"N":"-1.23456789012345678901234567890123456789"})") ==
        "Attempting to store more than 38 significant digits in a Number");
  // Leading and trailing zeros are not significant.
  CHECK(AvError(R"({"N":"000123456789012345678901234567890123456780000"})") == "");
  const char* overflow = "Number overflow. Attempting to store a number with magnitude larger than supported range";
  const char* underflow =
      "Number underflow. Attempting to store a number with magnitude smaller than supported range";
  CHECK(AvError(R"({"N":"1e126"})") == overflow);
  CHECK(AvError(R"({"N":"-1e126"})") == overflow);
  CHECK(AvError(R"({"N":"10E125"})") == overflow);
  CHECK(AvError(R"({"N":"1e-131"})") == underflow);
  CHECK(AvError(R"({"N":"-0.1e-130"})") == underflow);
  CHECK(AvError(R"({"N":"0e-999"})") == "");
  CHECK(AvError(R"({"N":"1e99999999999999999999"})") == overflow);
}

TEST_CASE("binary validation") {
  CHECK(AvError(R"({"B":"abc"})") == "Invalid Base64 value");
  CHECK(AvError(R"({"B":"ab!="})") == "Invalid Base64 value");
  CHECK(AvError(R"({"BS":["AA==","abc"]})") == "Invalid Base64 value");
}

TEST_CASE("empty sets") {
  CHECK(AvError(R"({"SS":[]})") == "One or more parameter values were invalid: An string set  may not be empty");
  CHECK(AvError(R"({"NS":[]})") == "One or more parameter values were invalid: An number set  may not be empty");
  CHECK(AvError(R"({"BS":[]})") == "One or more parameter values were invalid: Binary sets should not be empty");
}

TEST_CASE("set members are validated and must be distinct") {
  CHECK(AvError(R"({"SS":["a","b","a"]})") ==
        "One or more parameter values were invalid: Input collection [a, b, a] contains duplicates.");
  CHECK(AvError(R"({"BS":["Yg==","Yg=="]})") ==
        "One or more parameter values were invalid: Input collection [Yg==, Yg==]of type BS contains duplicates.");
  CHECK(AvError(R"({"NS":["1","1.0"]})") == "Input collection contains duplicates");
  CHECK(AvError(R"({"NS":["1","10E-1"]})") == "Input collection contains duplicates");
  CHECK(AvError(R"({"NS":["1","2"]})") == "");
  CHECK(AvError(R"({"NS":["1",""]})") == kNotNumeric);
  CHECK(AvError(R"({"NS":["1","x"]})") == std::string(kNotNumeric) + ": x");
  CHECK(AvError(R"({"SS":["a","A"]})") == "");
}

TEST_CASE("items") {
  CHECK(ValidateItem(Json(R"({"a":{"S":"x"},"b":{"N":"1"}})")).ok());
  CHECK(ValidateItem(Json("{}")).ok());
  CHECK(ValidateItem(Json(R"({"a":{"N":"z"}})")).message() == std::string(kNotNumeric) + ": z");
  CHECK_FALSE(ValidateItem(Json(R"({"":{"S":"x"}})")).ok());
  CHECK_FALSE(ValidateItem(Json(R"([])")).ok());
  CHECK(ValidateItem(Json(R"({"a":{"S":"x"},"b":{}})")).message() == kEmpty);
}

TEST_CASE("TypeOf") {
  CHECK(TypeOf(Json(R"({"S":"x"})")) == "S");
  CHECK(TypeOf(Json(R"({"NULL":true})")) == "NULL");
  CHECK(TypeOf(Json(R"({"BS":[]})")) == "BS");
  CHECK(TypeOf(Json(R"({"Q":1})")) == "");
  CHECK(TypeOf(Json(R"({"S":"a","N":"1"})")) == "");
  CHECK(TypeOf(Json("[]")) == "");
}

TEST_CASE("number normalization") {
  CHECK(NormalizeNumber("1") == "1");
  CHECK(NormalizeNumber("1.0") == "1");
  CHECK(NormalizeNumber("10E-1") == "1");
  CHECK(NormalizeNumber("+001.2300") == "1.23");
  CHECK(NormalizeNumber("-0.50") == "-0.5");
  CHECK(NormalizeNumber("-0") == "0");
  CHECK(NormalizeNumber("0.000") == "0");
  CHECK(NormalizeNumber("1e3") == "1000");
  CHECK(NormalizeNumber("1.5e-3") == "0.0015");
  CHECK(NormalizeNumber(".5") == "0.5");
  CHECK(NormalizeNumber("12.5E1") == "125");
  CHECK(NormalizeNumber("junk") == "junk");
}

TEST_CASE("exact number comparison") {
  CHECK(CompareNumbers("1", "1.0") == 0);
  CHECK(CompareNumbers("1", "10E-1") == 0);
  CHECK(CompareNumbers("1.0", "10E-1") == 0);
  CHECK(CompareNumbers("0", "-0.0") == 0);
  CHECK(CompareNumbers("-2", "-1") < 0);
  CHECK(CompareNumbers("-1", "-2") > 0);
  CHECK(CompareNumbers("1e3", "999.9") > 0);
  CHECK(CompareNumbers("999.9", "1e3") < 0);
  CHECK(CompareNumbers("-1", "0") < 0);
  CHECK(CompareNumbers("0", "0.0001") < 0);
  CHECK(CompareNumbers("0.12", "0.123") < 0);
  CHECK(CompareNumbers("-0.12", "-0.123") > 0);
  CHECK(CompareNumbers("9", "10") < 0);
  CHECK(CompareNumbers("12345678901234567890123456789012345678", "12345678901234567890123456789012345679") < 0);
  CHECK(CompareNumbers("99999999999999999999999999999999999999", "99999999999999999999999999999999999998") > 0);
  CHECK(CompareNumbers("1.2345678901234567890123456789012345678E+100",
                       "12345678901234567890123456789012345678E+63") == 0);
  CHECK(CompareNumbers("1E-130", "2E-130") < 0);
  CHECK(CompareNumbers("9.9999999999999999999999999999999999999E+125", "1E+125") > 0);
}

TEST_CASE("scalar ordering") {
  CHECK(CompareScalars(Json(R"({"S":"a"})"), Json(R"({"S":"b"})")) < 0);
  CHECK(CompareScalars(Json(R"({"S":"b"})"), Json(R"({"S":"ab"})")) > 0);
  CHECK(CompareScalars(Json(R"({"S":"a"})"), Json(R"({"S":"a"})")) == 0);
  // UTF-8 bytes are unsigned: é (0xC3 0xA9) sorts after z.
  CHECK(CompareScalars(Json(R"({"S":"\u00e9"})"), Json(R"({"S":"z"})")) > 0);
  CHECK(CompareScalars(Json(R"({"N":"10"})"), Json(R"({"N":"9"})")) > 0);
  CHECK(CompareScalars(Json(R"({"N":"1.0"})"), Json(R"({"N":"1"})")) == 0);
  // 0x7F (fw==) < 0x80 (gA==) only when bytes compare unsigned.
  CHECK(CompareScalars(Json(R"({"B":"fw=="})"), Json(R"({"B":"gA=="})")) < 0);
  CHECK(CompareScalars(Json(R"({"B":"AAE="})"), Json(R"({"B":"AA=="})")) > 0);
}

TEST_CASE("equality") {
  auto eq = [](const char* a, const char* b) { return Equals(Json(a), Json(b)); };
  CHECK(eq(R"({"S":"a"})", R"({"S":"a"})"));
  CHECK_FALSE(eq(R"({"S":"a"})", R"({"S":"b"})"));
  CHECK_FALSE(eq(R"({"S":"1"})", R"({"N":"1"})"));
  CHECK(eq(R"({"N":"1"})", R"({"N":"1.00"})"));
  CHECK(eq(R"({"B":"AQ=="})", R"({"B":"AQ=="})"));
  CHECK(eq(R"({"BOOL":true})", R"({"BOOL":true})"));
  CHECK_FALSE(eq(R"({"BOOL":true})", R"({"BOOL":false})"));
  CHECK(eq(R"({"NULL":true})", R"({"NULL":true})"));
  CHECK(eq(R"({"SS":["a","b"]})", R"({"SS":["b","a"]})"));
  CHECK_FALSE(eq(R"({"SS":["a","b"]})", R"({"SS":["a"]})"));
  CHECK_FALSE(eq(R"({"SS":["a","b"]})", R"({"SS":["a","c"]})"));
  CHECK(eq(R"({"NS":["1","2"]})", R"({"NS":["2.0","10E-1"]})"));
  CHECK(eq(R"({"BS":["AA==","AQ=="]})", R"({"BS":["AQ==","AA=="]})"));
  CHECK_FALSE(eq(R"({"SS":["1"]})", R"({"NS":["1"]})"));
  CHECK(eq(R"({"M":{"a":{"N":"1"},"b":{"L":[{"S":"x"}]}}})", R"({"M":{"b":{"L":[{"S":"x"}]},"a":{"N":"1.0"}}})"));
  CHECK_FALSE(eq(R"({"M":{"a":{"N":"1"}}})", R"({"M":{"a":{"N":"1"},"b":{"N":"1"}}})"));
  CHECK_FALSE(eq(R"({"M":{"a":{"N":"1"}}})", R"({"M":{"b":{"N":"1"}}})"));
  CHECK(eq(R"({"L":[{"N":"1"},{"S":"x"}]})", R"({"L":[{"N":"1"},{"S":"x"}]})"));
  CHECK_FALSE(eq(R"({"L":[{"N":"1"},{"S":"x"}]})", R"({"L":[{"S":"x"},{"N":"1"}]})"));
  CHECK_FALSE(eq(R"({"L":[]})", R"({"M":{}})"));
}

TEST_CASE("key bytes") {
  CHECK(KeyBytes(Json(R"({"N":"1.0"})")) == KeyBytes(Json(R"({"N":"10E-1"})")));
  CHECK(KeyBytes(Json(R"({"N":"1"})")) == "N:1");
  CHECK(KeyBytes(Json(R"({"S":"1"})")) == "S:1");
  CHECK(KeyBytes(Json(R"({"B":"AQI="})")) == std::string("B:\x01\x02"));
  CHECK(KeyBytes(Json(R"({"S":"1"})")) != KeyBytes(Json(R"({"N":"1"})")));
  CHECK(KeyBytes(Json(R"({"BOOL":true})")) == "");
}

TEST_CASE("item size") {
  // name (1) + S (3)
  CHECK(ItemSizeBytes(Json(R"({"a":{"S":"abc"}})")) == 4);
  // N: 5 significant digits -> (5 + 1) / 2 + 1 = 4; trailing zeros do not count.
  CHECK(ItemSizeBytes(Json(R"({"n":{"N":"12345"}})")) == 1 + 4);
  CHECK(ItemSizeBytes(Json(R"({"n":{"N":"1000"}})")) == 1 + 2);
  // B: decoded length.
  CHECK(ItemSizeBytes(Json(R"({"bb":{"B":"AAEC"}})")) == 2 + 3);
  CHECK(ItemSizeBytes(Json(R"({"bb":{"B":"AA=="}})")) == 2 + 1);
  CHECK(ItemSizeBytes(Json(R"({"t":{"BOOL":true},"u":{"NULL":true}})")) == 4);
  // M: 3 + per element (1 + key + value); L: 3 + per element (1 + value).
  CHECK(ItemSizeBytes(Json(R"({"m":{"M":{"k":{"S":"vv"}}}})")) == 1 + 3 + 1 + 1 + 2);
  CHECK(ItemSizeBytes(Json(R"({"l":{"L":[{"S":"x"},{"BOOL":false}]}})")) == 1 + 3 + 2 + 2);
  CHECK(ItemSizeBytes(Json(R"({"s":{"SS":["ab","c"]}})")) == 1 + 3);
  CHECK(ItemSizeBytes(Json(R"({"s":{"NS":["1","22"]}})")) == 1 + 2 + 2);
  CHECK(ItemSizeBytes(Json(R"({"s":{"BS":["AA==","AAE="]}})")) == 1 + 3);
  std::string big = R"({"a":{"S":")" + std::string(409600, 'x') + "\"}}";
  CHECK(ItemSizeBytes(Json(big)) == 409601);
}

}  // namespace
}  // namespace kmslab::ddb
