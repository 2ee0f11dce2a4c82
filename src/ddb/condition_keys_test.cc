#include "ddb/condition_keys.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "ddb/test_support.h"

namespace kmslab::ddb {
namespace {

using testing::Json;
using Strings = std::vector<std::string>;

TableDefinition Scores() {
  TableDefinition d;
  d.attributes = {{"UserId", "S"}, {"GameTitle", "S"}};
  d.hash_name = "UserId";
  d.range_name = "GameTitle";
  return d;
}

TableDefinition Numbered() {
  TableDefinition d;
  d.attributes = {{"id", "N"}};
  d.hash_name = "id";
  return d;
}

// The values `keys` puts into a request context under `name`, or nullopt when it sets none.
std::optional<Strings> ContextValues(const ConditionKeys& keys, const char* name) {
  policy::RequestContext context;
  keys.AddTo(context);
  std::optional<policy::RequestContext::Values> values = context.Find(name);
  if (!values) return std::nullopt;
  return Strings(values->begin(), values->end());
}

TEST_CASE("LeadingKeyValue: S as sent, N canonical, B as sent, nothing else") {
  CHECK(LeadingKeyValue(Json(R"({"S": "alice"})")) == "alice");
  CHECK(LeadingKeyValue(Json(R"({"N": "10E-1"})")) == "1");
  CHECK(LeadingKeyValue(Json(R"({"N": "-0.50"})")) == "-0.5");
  CHECK(LeadingKeyValue(Json(R"({"B": "AQID"})")) == "AQID");
  CHECK_FALSE((LeadingKeyValue(Json(R"({"BOOL": true})"))).has_value());
  CHECK_FALSE((LeadingKeyValue(Json(R"({"SS": ["a"]})"))).has_value());
  CHECK_FALSE((LeadingKeyValue(Json(R"({"S": 5})"))).has_value());
  CHECK_FALSE((LeadingKeyValue(Json(R"("alice")"))).has_value());
}

TEST_CASE("GetItem: the key's partition value and names, the projection, Select from the projection") {
  const TableDefinition d = Scores();
  rapidjson::Document body = Json(R"({"TableName": "Scores",
      "Key": {"UserId": {"S": "u-1"}, "GameTitle": {"S": "Meteor"}},
      "ProjectionExpression": "TopScore, #w.detail", "ExpressionAttributeNames": {"#w": "Wins"}})");
  const ConditionKeys keys = GetItemConditionKeys(body, &d);
  CHECK(keys.leading_keys == Strings{"u-1"});
  CHECK(keys.attributes == Strings{"UserId", "GameTitle", "TopScore", "Wins"});
  CHECK(keys.select == "SPECIFIC_ATTRIBUTES");
  CHECK(keys.return_consumed_capacity == "NONE");
  CHECK_FALSE((keys.return_values).has_value());

  rapidjson::Document all = Json(R"({"TableName": "Scores", "ReturnConsumedCapacity": "TOTAL",
      "Key": {"UserId": {"S": "u-1"}, "GameTitle": {"S": "Meteor"}}})");
  const ConditionKeys whole = GetItemConditionKeys(all, &d);
  CHECK(whole.attributes == Strings{"UserId", "GameTitle"});
  CHECK(whole.select == "ALL_ATTRIBUTES");
  CHECK(whole.return_consumed_capacity == "TOTAL");

  // A null member is an absent one, for the keys as for the operation.
  rapidjson::Document nulls = Json(R"({"Key": {"UserId": {"S": "u-1"}, "GameTitle": {"S": "Meteor"}},
      "ProjectionExpression": null, "ReturnConsumedCapacity": null})");
  CHECK(GetItemConditionKeys(nulls, &d).select == "ALL_ATTRIBUTES");
  CHECK(GetItemConditionKeys(nulls, &d).return_consumed_capacity == "NONE");
  rapidjson::Document null_return = Json(R"({"Key": {"UserId": {"S": "u-1"}}, "ReturnValues": null})");
  CHECK(DeleteItemConditionKeys(null_return, &d).return_values == "NONE");
}

TEST_CASE("Without the table, LeadingKeys stays unset and the rest is set") {
  rapidjson::Document body = Json(R"({"TableName": "Gone", "Key": {"UserId": {"S": "u-1"}}})");
  const ConditionKeys keys = GetItemConditionKeys(body, nullptr);
  CHECK_FALSE((keys.leading_keys).has_value());
  CHECK(keys.attributes == Strings{"UserId"});
  CHECK(keys.select == "ALL_ATTRIBUTES");
  CHECK_FALSE((ContextValues(keys, "dynamodb:LeadingKeys")).has_value());
  CHECK(ContextValues(keys, "dynamodb:Attributes") == Strings{"UserId"});
}

TEST_CASE("PutItem: every attribute of the item; ReturnValues as sent or NONE") {
  const TableDefinition d = Numbered();
  rapidjson::Document body = Json(R"({"Item": {"id": {"N": "7.0"}, "name": {"S": "x"}, "tags": {"SS": ["a"]}},
                                      "ReturnValues": "ALL_OLD"})");
  const ConditionKeys keys = PutItemConditionKeys(body, &d);
  CHECK(keys.leading_keys == Strings{"7"});
  CHECK(keys.attributes == Strings{"id", "name", "tags"});
  CHECK(keys.return_values == "ALL_OLD");
  CHECK_FALSE((keys.select).has_value());
  CHECK(PutItemConditionKeys(Json(R"({"Item": {"id": {"N": "1"}}})"), &d).return_values == "NONE");
  rapidjson::Document conditioned = Json(R"({"Item": {"id": {"N": "1"}, "name": {"S": "x"}},
      "ConditionExpression": "attribute_not_exists(id) OR #v < :v",
      "ExpressionAttributeNames": {"#v": "Version"}, "ExpressionAttributeValues": {":v": {"N": "2"}}})");
  CHECK(PutItemConditionKeys(conditioned, &d).attributes == Strings{"id", "name", "Version"});
}

TEST_CASE("DeleteItem and UpdateItem: the key, the update's paths and operands, the condition's") {
  const TableDefinition d = Scores();
  rapidjson::Document del = Json(R"({"Key": {"UserId": {"S": "u-2"}, "GameTitle": {"S": "G"}}})");
  const ConditionKeys deleted = DeleteItemConditionKeys(del, &d);
  CHECK(deleted.leading_keys == Strings{"u-2"});
  CHECK(deleted.attributes == Strings{"UserId", "GameTitle"});
  CHECK(deleted.return_values == "NONE");

  rapidjson::Document update = Json(R"({"Key": {"UserId": {"S": "u-2"}, "GameTitle": {"S": "G"}},
      "UpdateExpression": "SET TopScore = :s, #m.best = Secret REMOVE Former[1] ADD Plays :one",
      "ExpressionAttributeNames": {"#m": "Meta"},
      "ConditionExpression": "Locked = :f",
      "ExpressionAttributeValues": {":s": {"N": "5"}, ":one": {"N": "1"}, ":f": {"BOOL": false}},
      "ReturnValues": "UPDATED_NEW"})");
  const ConditionKeys updated = UpdateItemConditionKeys(update, &d);
  CHECK(updated.leading_keys == Strings{"u-2"});
  CHECK(updated.attributes == Strings{"UserId", "GameTitle", "TopScore", "Meta", "Former", "Plays", "Secret", "Locked"});
  CHECK(updated.return_values == "UPDATED_NEW");

  rapidjson::Document broken = Json(R"({"Key": {"UserId": {"S": "u-2"}, "GameTitle": {"S": "G"}},
      "UpdateExpression": "SET = nonsense"})");
  CHECK(UpdateItemConditionKeys(broken, &d).attributes == Strings{"UserId", "GameTitle"});
}

TEST_CASE("Query: the key condition's partition value and names, the projection, Select") {
  const TableDefinition d = Scores();
  rapidjson::Document body = Json(R"json({"KeyConditionExpression": "#u = :u AND begins_with(GameTitle, :g)",
      "ExpressionAttributeNames": {"#u": "UserId"},
      "ExpressionAttributeValues": {":u": {"S": "u-3"}, ":g": {"S": "M"}},
      "ProjectionExpression": "TopScore", "ReturnConsumedCapacity": "INDEXES"})json");
  const ConditionKeys keys = QueryConditionKeys(body, &d);
  CHECK(keys.leading_keys == Strings{"u-3"});
  CHECK(keys.attributes == Strings{"UserId", "GameTitle", "TopScore"});
  CHECK(keys.select == "SPECIFIC_ATTRIBUTES");
  CHECK(keys.return_values == "NONE");
  CHECK(keys.return_consumed_capacity == "INDEXES");

  rapidjson::Document count = Json(R"({"KeyConditionExpression": "UserId = :u",
      "ExpressionAttributeValues": {":u": {"S": "u-3"}}, "Select": "COUNT"})");
  CHECK(QueryConditionKeys(count, &d).select == "COUNT");
  CHECK(QueryConditionKeys(count, &d).attributes == Strings{"UserId"});
  CHECK_FALSE((QueryConditionKeys(count, nullptr).leading_keys).has_value());
  rapidjson::Document bad = Json(R"({"KeyConditionExpression": "UserId = :u OR UserId = :v",
      "ExpressionAttributeValues": {":u": {"S": "u-3"}, ":v": {"S": "u-4"}}})");
  CHECK_FALSE((QueryConditionKeys(bad, &d).leading_keys).has_value());
}

TEST_CASE("Scan: no LeadingKeys; without a projection Attributes counts as absent") {
  const TableDefinition d = Scores();
  rapidjson::Document all = Json(R"({"TableName": "Scores"})");
  const ConditionKeys keys = ScanConditionKeys(all, &d);
  CHECK_FALSE((keys.leading_keys).has_value());
  CHECK_FALSE((ContextValues(keys, "dynamodb:Attributes")).has_value());
  CHECK(ContextValues(keys, "dynamodb:Select") == Strings{"ALL_ATTRIBUTES"});
  CHECK(ContextValues(keys, "dynamodb:ReturnValues") == Strings{"NONE"});
  rapidjson::Document some = Json(R"({"ProjectionExpression": "a, b.c"})");
  CHECK(ScanConditionKeys(some, &d).attributes == Strings{"a", "b"});
  rapidjson::Document filtered = Json(R"({"ProjectionExpression": "a", "FilterExpression": "Wins > :w AND a <> :w",
                                           "ExpressionAttributeValues": {":w": {"N": "3"}}})");
  CHECK(ScanConditionKeys(filtered, &d).attributes == Strings{"a", "Wins"});
  rapidjson::Document wrong = Json(R"({"Select": 3})");
  CHECK_FALSE((ScanConditionKeys(wrong, &d).select).has_value());
}

TEST_CASE("ConditionKeysForItems: one table's part of a batch, values and names without repeats") {
  const TableDefinition d = Scores();
  rapidjson::Document a = Json(R"({"UserId": {"S": "u-1"}, "GameTitle": {"S": "A"}})");
  rapidjson::Document b = Json(R"({"UserId": {"S": "u-2"}, "GameTitle": {"S": "B"}, "TopScore": {"N": "1"}})");
  rapidjson::Document c = Json(R"({"UserId": {"S": "u-1"}, "GameTitle": {"S": "C"}})");
  rapidjson::Document not_object = Json(R"([1])");
  const rapidjson::Value* items[] = {&a, &b, &c, &not_object, nullptr};
  const ConditionKeys keys = ConditionKeysForItems(&d, items, {"Extra", "UserId"});
  CHECK(keys.leading_keys == Strings{"u-1", "u-2"});
  CHECK(keys.attributes == Strings{"UserId", "GameTitle", "TopScore", "Extra"});
  CHECK(ContextValues(keys, "dynamodb:LeadingKeys") == Strings{"u-1", "u-2"});
  CHECK_FALSE((ContextValues(keys, "dynamodb:Select")).has_value());
}

TEST_CASE("Batches: each table's entry; BatchGetItem's Select from its projection") {
  const TableDefinition d = Scores();
  rapidjson::Document get = Json(R"({"RequestItems": {"Scores": {
      "Keys": [{"UserId": {"S": "u-1"}, "GameTitle": {"S": "A"}}, {"UserId": {"S": "u-2"}, "GameTitle": {"S": "B"}}],
      "ProjectionExpression": "#t", "ExpressionAttributeNames": {"#t": "TopScore"}}},
      "ReturnConsumedCapacity": "TOTAL"})");
  const ConditionKeys read = BatchGetItemConditionKeys(get["RequestItems"]["Scores"], get, &d);
  CHECK(read.leading_keys == Strings{"u-1", "u-2"});
  CHECK(read.attributes == Strings{"UserId", "GameTitle", "TopScore"});
  CHECK(read.select == "SPECIFIC_ATTRIBUTES");
  CHECK(read.return_consumed_capacity == "TOTAL");
  rapidjson::Document legacy = Json(R"({"RequestItems": {"Scores": {
      "Keys": [{"UserId": {"S": "u-1"}, "GameTitle": {"S": "A"}}], "AttributesToGet": ["Secret"]}}})");
  const ConditionKeys legacy_read = BatchGetItemConditionKeys(legacy["RequestItems"]["Scores"], legacy, &d);
  CHECK(legacy_read.attributes == Strings{"UserId", "GameTitle", "Secret"});
  CHECK(legacy_read.select == "SPECIFIC_ATTRIBUTES");

  rapidjson::Document write = Json(R"({"RequestItems": {"Scores": [
      {"PutRequest": {"Item": {"UserId": {"S": "u-3"}, "GameTitle": {"S": "A"}, "Secret": {"S": "x"}}}},
      {"DeleteRequest": {"Key": {"UserId": {"S": "u-4"}, "GameTitle": {"S": "B"}}}}, 7]}})");
  const ConditionKeys written = BatchWriteItemConditionKeys(write["RequestItems"]["Scores"], write, &d);
  CHECK(written.leading_keys == Strings{"u-3", "u-4"});
  CHECK(written.attributes == Strings{"UserId", "GameTitle", "Secret"});
  CHECK_FALSE(written.select.has_value());
  CHECK(written.return_consumed_capacity == "NONE");
  CHECK_FALSE(BatchWriteItemConditionKeys(Json(R"({"a": 1})"), write, &d).leading_keys.has_value());
}

TEST_CASE("Merge: two parts of one request on one table escape no condition") {
  ConditionKeys a, b;
  a.leading_keys = Strings{"u-1"};
  a.attributes = Strings{"UserId"};
  a.select = "SPECIFIC_ATTRIBUTES";
  a.return_consumed_capacity = "NONE";
  b.leading_keys = Strings{"u-2", "u-1"};
  b.attributes = Strings{"UserId", "Secret"};
  b.select = "ALL_ATTRIBUTES";
  b.return_consumed_capacity = "NONE";
  a.Merge(b);
  CHECK(a.leading_keys == Strings{"u-1", "u-2"});
  CHECK(a.attributes == Strings{"UserId", "Secret"});
  CHECK(a.select == "ALL_ATTRIBUTES");
  CHECK(a.return_consumed_capacity == "NONE");
  ConditionKeys unknown;  // a part whose table does not exist: its keys are unknown
  a.Merge(unknown);
  CHECK_FALSE(a.leading_keys.has_value());
  CHECK_FALSE(a.attributes.has_value());
}

}  // namespace
}  // namespace kmslab::ddb
