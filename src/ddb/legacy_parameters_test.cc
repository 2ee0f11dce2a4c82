#include "ddb/legacy_parameters.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "ddb/document_path.h"
#include "ddb/expressions.h"
#include "ddb/test_support.h"
#include "ddb/update_expression.h"

namespace kmslab::ddb {
namespace {

using testing::Json;
using testing::Text;

// One request of `operation` and its translation.
struct Translated {
  Translated(const std::string& operation, const std::string& request_json) : request(Json(request_json)) {
    status = TranslateLegacyParameters(operation, request, legacy);
  }
  std::string Expression(const char* member) const {
    const std::string* text = legacy.Expression(member);
    return text ? *text : "<none>";
  }
  // The translated condition or filter `member`, parsed.
  Condition Parsed(const char* member) const {
    REQUIRE(status.ok());
    ExpressionContext context(legacy.names(), legacy.values());
    auto condition = Condition::Parse(Expression(member), context, member);
    REQUIRE(condition.ok());
    CHECK(context.CheckAllUsed().ok());
    return *condition;
  }

  rapidjson::Document request;
  LegacyTranslation legacy;
  core::Status status;
};

// The error text of translating `request_json` ("" when it succeeds).
std::string Error(const std::string& operation, const std::string& request_json) {
  Translated t(operation, request_json);
  if (!t.status.ok()) CHECK(t.status.aws_type() == "ValidationException");
  return t.status.ok() ? "" : t.status.message();
}

const char kItems[][96] = {
    R"({})",
    R"({"a": {"N": "5"}})",
    R"({"a": {"N": "7"}, "s": {"S": "abc"}})",
    R"({"a": {"S": "5"}, "s": {"S": "xbc"}})",
    R"({"s": {"S": "ab"}, "ss": {"SS": ["red", "green"]}})",
    R"({"a": {"NULL": true}, "ss": {"SS": ["blue"]}, "l": {"L": [{"S": "red"}]}})",
    R"({"a": {"N": "-1"}, "b": {"B": "AQID"}, "l": {"L": [{"BOOL": true}]}})",
};

TEST_CASE("Expected: Value, Exists and ConditionalOperator become a ConditionExpression") {
  Translated t("PutItem", R"({"TableName": "t", "Item": {}, "Expected": {
      "a": {"Value": {"N": "5"}}, "s": {"Exists": true, "Value": {"S": "abc"}}, "gone": {"Exists": false}}})");
  REQUIRE(t.status.ok());
  CHECK(t.legacy.translated());
  CHECK(t.Expression("ConditionExpression") ==
        "#legacy0 = :legacy0 AND #legacy1 = :legacy1 AND attribute_not_exists(#legacy2)");
  CHECK(Text(*t.legacy.names()) == R"({"#legacy0":"a","#legacy1":"s","#legacy2":"gone"})");
  CHECK(Text(*t.legacy.values()) == R"({":legacy0":{"N":"5"},":legacy1":{"S":"abc"}})");

  Translated any("DeleteItem", R"({"TableName": "t", "Key": {}, "ConditionalOperator": "OR", "Expected": {
      "a": {"Value": {"N": "5"}}, "s": {"ComparisonOperator": "BEGINS_WITH", "Value": {"S": "ab"}}}})");
  CHECK(any.Expression("ConditionExpression") == "#legacy0 = :legacy0 OR begins_with(#legacy1, :legacy1)");
  const Condition all = t.Parsed("ConditionExpression");
  const Condition either = any.Parsed("ConditionExpression");
  auto item = Json(R"({"a": {"N": "5.0"}, "s": {"S": "abc"}})");
  CHECK(all.Evaluate(&item));
  CHECK(either.Evaluate(&item));
  auto other = Json(R"({"a": {"N": "6"}, "s": {"S": "abz"}})");
  CHECK_FALSE(all.Evaluate(&other));
  CHECK(either.Evaluate(&other));
  CHECK_FALSE(either.Evaluate(nullptr));

  Translated none("PutItem", R"({"TableName": "t", "Item": {}, "ConditionExpression": "a = :v",
      "ExpressionAttributeValues": {":v": {"N": "1"}}})");
  CHECK(none.status.ok());
  CHECK_FALSE(none.legacy.translated());
}

TEST_CASE("every ComparisonOperator holds exactly where its expression equivalent holds") {
  struct Case {
    const char* condition;   // a ScanFilter entry for attribute a, s, ss, l or b
    const char* attribute;
    const char* expression;  // the same test written as an expression over :v0, :v1
    const char* values;
  };
  const Case cases[] = {
      {R"({"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "5"}]})", "a", "a = :v0", R"({":v0": {"N": "5"}})"},
      {R"({"ComparisonOperator": "NE", "AttributeValueList": [{"N": "5"}]})", "a", "a <> :v0", R"({":v0": {"N": "5"}})"},
      {R"({"ComparisonOperator": "LE", "AttributeValueList": [{"N": "5"}]})", "a", "a <= :v0", R"({":v0": {"N": "5"}})"},
      {R"({"ComparisonOperator": "LT", "AttributeValueList": [{"N": "5"}]})", "a", "a < :v0", R"({":v0": {"N": "5"}})"},
      {R"({"ComparisonOperator": "GE", "AttributeValueList": [{"N": "5"}]})", "a", "a >= :v0", R"({":v0": {"N": "5"}})"},
      {R"({"ComparisonOperator": "GT", "AttributeValueList": [{"S": "4"}]})", "a", "a > :v0", R"({":v0": {"S": "4"}})"},
      {R"({"ComparisonOperator": "NOT_NULL"})", "a", "attribute_exists(a)", ""},
      {R"({"ComparisonOperator": "NULL", "AttributeValueList": []})", "a", "attribute_not_exists(a)", ""},
      {R"({"ComparisonOperator": "CONTAINS", "AttributeValueList": [{"S": "red"}]})", "ss", "contains(ss, :v0)",
       R"({":v0": {"S": "red"}})"},
      {R"({"ComparisonOperator": "CONTAINS", "AttributeValueList": [{"BOOL": true}]})", "l", "contains(l, :v0)",
       R"({":v0": {"BOOL": true}})"},
      {R"({"ComparisonOperator": "NOT_CONTAINS", "AttributeValueList": [{"S": "x"}]})", "s",
       "attribute_exists(s) AND NOT contains(s, :v0)", R"({":v0": {"S": "x"}})"},
      {R"({"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"S": "ab"}]})", "s", "begins_with(s, :v0)",
       R"({":v0": {"S": "ab"}})"},
      {R"({"ComparisonOperator": "IN", "AttributeValueList": [{"N": "5"}, {"N": "-1"}]})", "a", "a IN (:v0, :v1)",
       R"({":v0": {"N": "5"}, ":v1": {"N": "-1"}})"},
      {R"({"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "0"}, {"N": "6"}]})", "a",
       "a BETWEEN :v0 AND :v1", R"({":v0": {"N": "0"}, ":v1": {"N": "6"}})"},
      {R"({"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"B": "AQ=="}, {"B": "AQM="}]})", "b",
       "b BETWEEN :v0 AND :v1", R"({":v0": {"B": "AQ=="}, ":v1": {"B": "AQM="}})"},
  };
  for (const Case& c : cases) {
    const std::string condition = c.condition;
    CAPTURE(condition);
    Translated t("Scan", std::string(R"({"TableName": "t", "ScanFilter": {")") + c.attribute + "\": " + c.condition +
                             "}}");
    REQUIRE(t.status.ok());
    const Condition legacy = t.Parsed("FilterExpression");
    testing::Request expression("", c.values);
    auto equivalent = Condition::Parse(c.expression, expression.context, "FilterExpression");
    REQUIRE(equivalent.ok());
    int held = 0;
    for (const char* item_json : kItems) {
      const std::string item_text = item_json;
      CAPTURE(item_text);
      auto item = Json(item_json);
      CHECK(legacy.Evaluate(&item) == equivalent->Evaluate(&item));
      held += legacy.Evaluate(&item) ? 1 : 0;
    }
    CHECK(held > 0);  // each case tells items apart
    CHECK(held < static_cast<int>(std::size(kItems)));
  }
}

TEST_CASE("QueryFilter, KeyConditions and AttributesToGet become FilterExpression, KeyConditionExpression and "
          "ProjectionExpression") {
  Translated t("Query", R"({"TableName": "t", "AttributesToGet": ["x", "odd.name"],
      "KeyConditions": {"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "p"}]},
                        "sk": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "1"}, {"N": "9"}]}},
      "QueryFilter": {"x": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "0"}]}}})");
  REQUIRE(t.status.ok());
  CHECK(t.Expression("ProjectionExpression") == "#legacy0, #legacy1");
  CHECK(t.Expression("FilterExpression") == "#legacy2 > :legacy0");
  CHECK(t.Expression("KeyConditionExpression") == "#legacy3 = :legacy1 AND #legacy4 BETWEEN :legacy2 AND :legacy3");
  ExpressionContext context(t.legacy.names(), t.legacy.values());
  auto key = ParseKeyCondition(t.Expression("KeyConditionExpression"), context, "pk", "sk");
  REQUIRE(key.ok());
  CHECK(Text(*key->partition_value) == R"({"S":"p"})");
  CHECK(key->op == KeyCondition::Op::kBetween);
  auto projection = ParseProjection(t.Expression("ProjectionExpression"), context);
  REQUIRE(projection.ok());
  REQUIRE(projection->size() == 2);
  CHECK(internal::PathString((*projection)[0]) == "[x]");
  CHECK(internal::PathString((*projection)[1]) == "[odd.name]");
  CHECK(t.legacy.CheckQueryFilterKeys("pk", "sk").ok());
  CHECK(t.legacy.CheckQueryFilterKeys("pk", "x").message() ==
        "QueryFilter can only contain non-primary key attributes: Primary key attribute: x");

  // KeyConditions go with expressions other than KeyConditionExpression; the
  // generated placeholders step around the request's own.
  Translated mixed("Query", R"({"TableName": "t", "FilterExpression": "#legacy0 = :legacy0",
      "ExpressionAttributeNames": {"#legacy0": "f"}, "ExpressionAttributeValues": {":legacy0": {"S": "v"}},
      "KeyConditions": {"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "p"}]}}})");
  REQUIRE(mixed.status.ok());
  CHECK(mixed.Expression("KeyConditionExpression") == "#legacy1 = :legacy1");
  CHECK(mixed.Expression("FilterExpression") == "<none>");
  CHECK(Text(*mixed.legacy.names()) == R"({"#legacy0":"f","#legacy1":"pk"})");
  CHECK(Text(*mixed.legacy.values()) == R"({":legacy0":{"S":"v"},":legacy1":{"S":"p"}})");

  Translated get("GetItem", R"({"TableName": "t", "Key": {}, "AttributesToGet": ["a"]})");
  CHECK(get.Expression("ProjectionExpression") == "#legacy0");
  CHECK(get.legacy.values() == nullptr);
}

TEST_CASE("AttributeUpdates become an UpdateExpression with PUT, ADD and DELETE semantics") {
  Translated t("UpdateItem", R"({"TableName": "t", "Key": {}, "AttributeUpdates": {
      "put": {"Value": {"S": "new"}}, "count": {"Action": "ADD", "Value": {"N": "2.5"}},
      "tags": {"Action": "ADD", "Value": {"SS": ["b", "c"]}}, "log": {"Action": "ADD", "Value": {"L": [{"N": "2"}]}},
      "fresh": {"Action": "ADD", "Value": {"NS": ["1"]}}, "colors": {"Action": "DELETE", "Value": {"SS": ["red"]}},
      "old": {"Action": "DELETE"}, "absent": {"Action": "DELETE"}, "skipped": null}})");
  REQUIRE(t.status.ok());
  CHECK(t.Expression("UpdateExpression") ==
        "SET #legacy0 = :legacy0, #legacy3 = list_append(if_not_exists(#legacy3, :legacy3), :legacy4) "
        "ADD #legacy1 :legacy1, #legacy2 :legacy2, #legacy4 :legacy5 DELETE #legacy5 :legacy6 "
        "REMOVE #legacy6, #legacy7");
  ExpressionContext context(t.legacy.names(), t.legacy.values());
  auto update = UpdateExpression::Parse(t.Expression("UpdateExpression"), context);
  REQUIRE(update.ok());
  CHECK(context.CheckAllUsed().ok());
  auto item = Json(R"({"put": {"S": "old"}, "count": {"N": "1"}, "tags": {"SS": ["a", "b"]},
      "log": {"L": [{"N": "1"}]}, "colors": {"SS": ["red", "blue"]}, "old": {"N": "1"}})");
  REQUIRE(update->Apply(item, item.GetAllocator()).ok());
  CHECK(Text(item) == R"({"put":{"S":"new"},"count":{"N":"3.5"},"tags":{"SS":["a","b","c"]},)"
                      R"("log":{"L":[{"N":"1"},{"N":"2"}]},"colors":{"SS":["blue"]},"fresh":{"NS":["1"]}})");

  auto text = Json(R"({"count": {"S": "x"}})");
  core::Status mismatch = update->Apply(text, text.GetAllocator());
  CHECK(t.legacy.UpdateError(mismatch).message() == "Type mismatch for attribute to update");
  CHECK(t.legacy.UpdateError(core::Status()).ok());
}

TEST_CASE("legacy and expression parameters are not mixed, and attribute maps need an expression") {
  const std::string both = "Can not use both expression and non-expression parameters in the same request: ";
  CHECK(Error("PutItem", R"({"Expected": {"a": {"Exists": false}}, "ConditionExpression": "a = :v"})") ==
        both + "Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}");
  CHECK(Error("UpdateItem", R"({"AttributeUpdates": {"a": {"Action": "DELETE"}}, "Expected": {"a": {"Exists": false}},
      "ConditionalOperator": "AND", "UpdateExpression": "REMOVE a", "ConditionExpression": "a = :v"})") ==
        both + "Non-expression parameters: {AttributeUpdates, Expected, ConditionalOperator} Expression parameters: "
               "{UpdateExpression, ConditionExpression}");
  CHECK(Error("Query", R"({"AttributesToGet": ["a"], "QueryFilter": {}, "ConditionalOperator": "OR",
      "KeyConditions": {}, "ProjectionExpression": "a", "FilterExpression": "a = :v",
      "KeyConditionExpression": "k = :v"})") ==
        both + "Non-expression parameters: {AttributesToGet, QueryFilter, ConditionalOperator, KeyConditions} "
               "Expression parameters: {ProjectionExpression, FilterExpression, KeyConditionExpression}");
  CHECK(Error("Scan", R"({"ScanFilter": {}, "FilterExpression": "a = :v"})") ==
        both + "Non-expression parameters: {ScanFilter} Expression parameters: {FilterExpression}");
  CHECK(Error("GetItem", R"({"AttributesToGet": ["a"], "ProjectionExpression": "a"})") ==
        both + "Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}");

  CHECK(Error("GetItem", R"({"AttributesToGet": ["a"], "ExpressionAttributeNames": {"#a": "a"}})") ==
        "ExpressionAttributeNames can only be specified when using expressions");
  CHECK(Error("PutItem", R"({"ExpressionAttributeValues": {":a": {"S": "a"}}})") ==
        "ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null");
  CHECK(Error("UpdateItem", R"({"ExpressionAttributeValues": {":a": {"S": "a"}}})") ==
        "ExpressionAttributeValues can only be specified when using expressions: UpdateExpression and "
        "ConditionExpression are null");
  CHECK(Error("Query", R"({"KeyConditions": {"k": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "a"}]}},
      "ProjectionExpression": "a", "ExpressionAttributeValues": {":a": {"S": "a"}}})") ==
        "ExpressionAttributeValues can only be specified when using expressions: FilterExpression and "
        "KeyConditionExpression are null");
  CHECK(Error("GetItem", R"({"ProjectionExpression": "a", "ExpressionAttributeValues": {":a": {"S": "a"}}})") == "");
}

TEST_CASE("Expected rejects what DynamoDB rejects, with its texts") {
  const std::string p = "One or more parameter values were invalid: ";
  auto expected = [](const std::string& entry) {
    return Error("PutItem", R"({"Expected": {"x": )" + entry + "}}");
  };
  CHECK(expected(R"({"Exists": true})") == p + "Value must be provided when Exists is true for Attribute: x");
  CHECK(expected(R"({})") == p + "Value must be provided when Exists is null for Attribute: x");
  CHECK(expected(R"({"Exists": false, "Value": {"S": "a"}})") ==
        p + "Value cannot be used when Exists is false for Attribute: x");
  CHECK(expected(R"({"Exists": true, "ComparisonOperator": "NULL"})") ==
        p + "Exists and ComparisonOperator cannot be used together for Attribute: x");
  CHECK(expected(R"({"Value": {"S": "a"}, "AttributeValueList": [{"S": "a"}], "ComparisonOperator": "EQ"})") ==
        p + "Value and AttributeValueList cannot be used together for Attribute: x");
  CHECK(expected(R"({"AttributeValueList": [{"S": "a"}]})") ==
        p + "AttributeValueList can only be used with a ComparisonOperator for Attribute: x");
  CHECK(expected(R"({"ComparisonOperator": "LT"})") ==
        p + "Value or AttributeValueList must be used with ComparisonOperator: LT for Attribute: x");
  CHECK(expected(R"({"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "a"}, {"S": "b"}]})") ==
        p + "Invalid number of argument(s) for the EQ ComparisonOperator");
  CHECK(expected(R"({"ComparisonOperator": "NOT_NULL", "Value": {"S": "a"}})") ==
        p + "Invalid number of argument(s) for the NOT_NULL ComparisonOperator");
  CHECK(expected(R"({"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "5"}, {"NULL": true}]})") ==
        p + "ComparisonOperator BETWEEN is not valid for NULL AttributeValue type");
  CHECK(expected(R"({"ComparisonOperator": "EQ", "Value": {"S": ""}})") == "");
  CHECK(expected(R"({"ComparisonOperator": "LIKE", "Value": {"S": "a"}})") ==
        "1 validation error detected: Value 'LIKE' at 'expected.x.member.comparisonOperator' failed to satisfy "
        "constraint: Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, "
        "NE, LE, BEGINS_WITH, GE, CONTAINS]");
  CHECK(expected(R"({"Value": {"N": "x"}})") == "The parameter cannot be converted to a numeric value: x");

  CHECK(Error("PutItem", R"({"ConditionalOperator": "AND"})") ==
        "ConditionalOperator cannot be used without Filter or Expected");
  CHECK(Error("PutItem", R"({"ConditionalOperator": "OR", "Expected": {"a": {"Exists": false}}})") ==
        "ConditionalOperator can only be used when Filter or Expected has two or more elements");
  CHECK(Error("DeleteItem", R"({"ConditionalOperator": "XOR", "Expected": {"a": {"Exists": false}}})") ==
        "1 validation error detected: Value 'XOR' at 'conditionalOperator' failed to satisfy constraint: Member "
        "must satisfy enum value set: [OR, AND]");
}

TEST_CASE("filters and key conditions check their operators' arguments") {
  const std::string p = "One or more parameter values were invalid: ";
  auto filter = [](const std::string& condition) {
    return Error("Scan", R"({"ScanFilter": {"a": )" + condition + "}}");
  };
  CHECK(filter(R"({"ComparisonOperator": "EQ"})") == p + "Invalid number of argument(s) for the EQ ComparisonOperator");
  CHECK(filter(R"({"ComparisonOperator": "IN", "AttributeValueList": []})") ==
        p + "Invalid number of argument(s) for the IN ComparisonOperator");
  CHECK(filter(R"({"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"S": "a"}]})") ==
        p + "Invalid number of argument(s) for the BETWEEN ComparisonOperator");
  CHECK(filter(R"({"ComparisonOperator": "LE", "AttributeValueList": [{"SS": ["a"]}]})") ==
        p + "ComparisonOperator LE is not valid for SS AttributeValue type");
  CHECK(filter(R"({"ComparisonOperator": "CONTAINS", "AttributeValueList": [{"NS": ["1"]}]})") ==
        p + "ComparisonOperator CONTAINS is not valid for NS AttributeValue type");
  CHECK(filter(R"({"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"N": "1"}]})") ==
        p + "ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type");
  CHECK(filter(R"({"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"S": "a"}, {"BS": ["AQ=="]}]})") ==
        p + "ComparisonOperator BETWEEN is not valid for BS AttributeValue type");
  CHECK(filter(R"({"ComparisonOperator": "IN", "AttributeValueList": [{"S": "a"}, {"N": "1"}]})") ==
        p + "AttributeValues inside AttributeValueList must be of same type");
  CHECK(filter(R"({"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "10"}, {"N": "9"}]})") ==
        "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound");
  CHECK(filter(R"({"ComparisonOperator": "EQ", "AttributeValueList": [{"SS": ["a"]}]})") == "");
  CHECK(filter(R"({"AttributeValueList": [{"S": "a"}]})") ==
        "1 validation error detected: Value null at 'scanFilter.a.member.comparisonOperator' failed to satisfy "
        "constraint: Member must not be null");
  CHECK(filter(R"({"ComparisonOperator": "EQ", "AttributeValueList": [{}]})") ==
        "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
  CHECK(Error("Scan", R"({"ConditionalOperator": "OR", "ScanFilter": {"a": {"ComparisonOperator": "NULL"}}})") ==
        "ConditionalOperator can only be used when Filter or Expected has two or more elements");

  auto key = [](const std::string& conditions) { return Error("Query", R"({"KeyConditions": )" + conditions + "}"); };
  CHECK(key(R"({"k": {"ComparisonOperator": "CONTAINS", "AttributeValueList": [{"S": "a"}]}})") ==
        "Attempted conditional constraint is not an indexable operation");
  CHECK(key(R"({"k": {"ComparisonOperator": "NE", "AttributeValueList": [{"S": "a"}]}})") ==
        "Attempted conditional constraint is not an indexable operation");
  CHECK(key(R"({})") == "Conditions can be of length 1 or 2 only");
  CHECK(key(R"({"k": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "a"}, {"S": "b"}]}})") ==
        p + "Invalid number of argument(s) for the EQ ComparisonOperator");

  CHECK(Error("GetItem", R"({"AttributesToGet": ["a", "b", "a"]})") == p + "Duplicate value in attribute name: a");
  CHECK(Error("Scan", R"({"AttributesToGet": []})") ==
        "1 validation error detected: Value '[]' at 'attributesToGet' failed to satisfy constraint: Member must have "
        "length greater than or equal to 1");
}

TEST_CASE("AttributeUpdates rejects what DynamoDB rejects, with its texts") {
  const std::string p = "One or more parameter values were invalid: ";
  auto update = [](const std::string& entry) {
    return Error("UpdateItem", R"({"AttributeUpdates": {"x": )" + entry + "}}");
  };
  CHECK(update(R"({"Action": "PUT"})") == p + "Only DELETE action is allowed when no attribute value is specified");
  CHECK(update(R"({})") == p + "Only DELETE action is allowed when no attribute value is specified");
  CHECK(update(R"({"Action": "DELETE", "Value": {"N": "1"}})") ==
        p + "DELETE action with value is not supported for the type N");
  CHECK(update(R"({"Action": "ADD", "Value": {"S": "a"}})") == p + "ADD action is not supported for the type S");
  CHECK(update(R"({"Action": "ADD", "Value": {"M": {}}})") == p + "ADD action is not supported for the type M");
  CHECK(update(R"({"Action": "REPLACE", "Value": {"S": "a"}})") ==
        "1 validation error detected: Value 'REPLACE' at 'attributeUpdates.x.member.action' failed to satisfy "
        "constraint: Member must satisfy enum value set: [ADD, PUT, DELETE]");
  Translated wrong("UpdateItem", R"({"AttributeUpdates": {"x": {"Action": 3}}})");
  CHECK(wrong.status.aws_type() == "SerializationException");
  CHECK(update(R"({"Action": "ADD", "Value": {"NS": ["1", "1.0"]}})") == "Input collection contains duplicates");
  Translated empty("UpdateItem", R"({"AttributeUpdates": {}})");
  CHECK(empty.status.ok());
  CHECK_FALSE(empty.legacy.translated());
}

TEST_CASE("malformed legacy parameters fail without translating anything") {
  const char* const requests[] = {
      R"({"Expected": []})",
      R"({"Expected": {"a": 1}})",
      R"({"Expected": {"a": {"Exists": "yes"}}})",
      R"({"Expected": {"a": {"ComparisonOperator": 7, "Value": {"S": "a"}}}})",
      R"({"Expected": {"a": {"ComparisonOperator": "IN", "AttributeValueList": {"S": "a"}}}})",
      R"({"Expected": {"a": {"ComparisonOperator": "IN", "AttributeValueList": [1, "x", null]}}})",
      R"({"Expected": {"a": {"Value": {"M": {"x": {"L": [{"L": [{"Q": 1}]}]}}}}}})",
      R"({"ConditionalOperator": ["OR"], "Expected": {"a": {"Exists": false}, "b": {"Exists": false}}})",
      R"({"AttributeUpdates": {"a": {"Action": "PUT", "Value": 5}}})",
      R"({"AttributeUpdates": [{"Action": "DELETE"}]})",
      R"({"AttributesToGet": "a"})",
      R"({"AttributesToGet": [1]})",
  };
  for (const char* json : requests) {
    const std::string request = json;
    CAPTURE(request);
    for (const char* operation : {"PutItem", "UpdateItem", "Query", "Scan"}) {
      Translated t(operation, request);
      if (t.status.ok()) continue;  // a member this operation does not read
      CHECK((t.status.aws_type() == "ValidationException" || t.status.aws_type() == "SerializationException"));
      CHECK_FALSE(t.legacy.translated());
    }
  }
  // Every operation that reads any of them rejects each.
  for (const char* json : requests) {
    const std::string request = json;
    CAPTURE(request);
    const bool rejected = !Translated("UpdateItem", request).status.ok() || !Translated("Query", request).status.ok();
    CHECK(rejected);
  }
}

}  // namespace
}  // namespace kmslab::ddb
