#include "ddb/trail_event.h"

#include <doctest/doctest.h>

#include <string>

#include "ddb/test_support.h"
#include "iam/identity.h"

namespace kmslab::ddb {
namespace {

using testing::Json;

constexpr char kSecret[] = "plaintext-marker-7f3a";

TEST_CASE("a BatchWriteItem is logged by table with keys in clear and items as names, never values") {
  const rapidjson::Document request = Json(
      R"({"RequestItems":{"music":[{"PutRequest":{"Item":{"pk":{"S":"k1"},"secret":{"S":"plaintext-marker-7f3a"}}}},)"
      R"({"DeleteRequest":{"Key":{"pk":{"S":"k2"}}}}],)"
      R"("arn:aws:dynamodb:us-east-1:111122223333:table/books":[{"PutRequest":{"Item":{"id":{"N":"7"}}}}]},)"
      R"("ReturnConsumedCapacity":"TOTAL"})");
  CHECK(TrailParameters("BatchWriteItem", request) ==
        R"({"requestItems":{"music":[{"putRequest":{"item":["pk","secret"]}},{"deleteRequest":{"key":{"pk":"k2"}}}],)"
        R"("arn:aws:dynamodb:us-east-1:111122223333:table/books":[{"putRequest":{"item":["id"]}}]},)"
        R"("returnConsumedCapacity":"TOTAL"})");
}

TEST_CASE("a BatchGetItem is logged by table with its keys, its names and values of expressions left out") {
  const rapidjson::Document request = Json(
      R"({"RequestItems":{"music":{"Keys":[{"pk":{"S":"k1"}},{"pk":{"S":"k2"}}],"ProjectionExpression":"#s",)"
      R"("ExpressionAttributeNames":{"#s":"secret"},"ConsistentRead":true}}})");
  CHECK(TrailParameters("BatchGetItem", request) ==
        R"({"requestItems":{"music":{"keys":[{"pk":"k1"},{"pk":"k2"}],"projectionExpression":"#s",)"
        R"j("expressionAttributeNames":"***(Redacted)","consistentRead":true}}})j");
}

TEST_CASE("PartiQL statements are logged with their shape, literal values and Parameters redacted") {
  const rapidjson::Document one = Json(
      R"j({"Statement":"INSERT INTO \"music\" VALUE {'pk': 'plaintext-marker-7f3a', 'n': 42, 'p': ?}",)j"
      R"j("Parameters":[{"S":"plaintext-marker-7f3a"}],"ConsistentRead":true})j");
  const std::string logged = TrailParameters("ExecuteStatement", one);
  CHECK(logged ==
        R"j({"statement":"INSERT INTO \"music\" VALUE {***(Redacted): ***(Redacted), ***(Redacted): ***(Redacted), )j"
        R"j(***(Redacted): ?}","parameters":"***(Redacted)","consistentRead":true})j");
  const rapidjson::Document batch = Json(
      R"j({"Statements":[{"Statement":"SELECT * FROM music WHERE pk = 'plaintext-marker-7f3a'"},)j"
      R"j({"Statement":"SELECT * FROM music WHERE pk = ?","Parameters":[{"S":"plaintext-marker-7f3a"}]}]})j");
  const std::string batch_logged = TrailParameters("BatchExecuteStatement", batch);
  CHECK(batch_logged == R"j({"statements":[{"statement":"SELECT * FROM music WHERE pk = ***(Redacted)"},)j"
                        R"j({"statement":"SELECT * FROM music WHERE pk = ?","parameters":"***(Redacted)"}]})j");
  const rapidjson::Document transaction = Json(
      R"j({"TransactStatements":[{"Statement":"DELETE FROM music WHERE pk = 'plaintext-marker-7f3a'"}],)j"
      R"j("ClientRequestToken":"t1"})j");
  const std::string transaction_logged = TrailParameters("ExecuteTransaction", transaction);
  CHECK(transaction_logged ==
        R"j({"transactStatements":[{"statement":"DELETE FROM music WHERE pk = ***(Redacted)"}],)j"
        R"j("clientRequestToken":"t1"})j");
  CHECK(logged.find(kSecret) == std::string::npos);
  CHECK(batch_logged.find(kSecret) == std::string::npos);
}

TEST_CASE("structures that are not a batch's are redacted at any depth, and nothing nests further") {
  // A RequestItems inside a write request, values where keys should be, a
  // table entry of the wrong type: all named, none of their values logged.
  const rapidjson::Document request = Json(
      R"({"RequestItems":{"t1":[{"PutRequest":{"RequestItems":{"t2":[{"PutRequest":{"Item":{"x":{"S":"plaintext-marker-7f3a"}}}}]},)"
      R"("Item":{"pk":{"S":"a"}}}},"not-a-request",{"Other":{"v":{"S":"plaintext-marker-7f3a"}}}],)"
      R"("t3":{"Keys":[{"pk":{"S":"a"}}],"ExpressionAttributeValues":{":v":{"S":"plaintext-marker-7f3a"}},)"
      R"("Extra":[{"S":"plaintext-marker-7f3a"}]},"t4":"plaintext-marker-7f3a"}})");
  for (const char* op : {"BatchWriteItem", "BatchGetItem"}) {
    CAPTURE(op);
    const std::string logged = TrailParameters(op, request);
    CHECK(logged.find(kSecret) == std::string::npos);
    CHECK(logged ==
          R"j({"requestItems":{"t1":[{"putRequest":{"requestItems":"***(Redacted)","item":["pk"]}},null,)j"
          R"j({"other":"***(Redacted)"}],"t3":{"keys":[{"pk":"a"}],"extra":"***(Redacted)"},"t4":null}})j");
  }
}

TEST_CASE("a batch's event names each of its tables as a resource and keeps no response") {
  kms::CallContext call;
  call.caller = iam::RootIdentity("111122223333");
  call.region = "us-east-1";
  const rapidjson::Document request = Json(
      R"({"RequestItems":{"music":{"Keys":[{"pk":{"S":"k1"}}]},)"
      R"("arn:aws:dynamodb:us-east-1:111122223333:table/books":{"Keys":[{"id":{"N":"1"}}]}}})");
  const audit::EventInput e = CallEvent("BatchGetItem", call, &request, core::Status(),
                                        R"({"Responses":{"music":[{"pk":{"S":"k1"},"v":{"S":"plaintext-marker-7f3a"}}]}})");
  CHECK(e.data_event);
  CHECK(e.response_body.empty());
  REQUIRE(e.resources.size() == 2);
  CHECK(e.resources[0].second == "arn:aws:dynamodb:us-east-1:111122223333:table/music");
  CHECK(e.resources[1].second == "arn:aws:dynamodb:us-east-1:111122223333:table/books");
}

TEST_CASE("a PartiQL event names the tables of its statements once each") {
  kms::CallContext call;
  call.caller = iam::RootIdentity("111122223333");
  call.region = "us-east-1";
  const rapidjson::Document one = Json(R"({"Statement":"SELECT * FROM \"music\" WHERE pk = 'a'"})");
  const audit::EventInput single = CallEvent("ExecuteStatement", call, &one, core::Status(), "");
  REQUIRE(single.resources.size() == 1);
  CHECK(single.resources[0].second == "arn:aws:dynamodb:us-east-1:111122223333:table/music");
  const rapidjson::Document batch = Json(
      R"({"Statements":[{"Statement":"DELETE FROM music WHERE pk = 'a'"},)"
      R"({"Statement":"DELETE FROM books WHERE id = 1"},)"
      R"({"Statement":"DELETE FROM music WHERE pk = 'b'"},{"Statement":"not a statement"}]})");
  const audit::EventInput many = CallEvent("BatchExecuteStatement", call, &batch, core::Status(), "");
  REQUIRE(many.resources.size() == 2);
  CHECK(many.resources[0].second == "arn:aws:dynamodb:us-east-1:111122223333:table/music");
  CHECK(many.resources[1].second == "arn:aws:dynamodb:us-east-1:111122223333:table/books");
  const rapidjson::Document transaction =
      Json(R"({"TransactStatements":[{"Statement":"DELETE FROM orders WHERE pk = 'a'"}]})");
  const audit::EventInput transacted = CallEvent("ExecuteTransaction", call, &transaction, core::Status(), "");
  REQUIRE(transacted.resources.size() == 1);
  CHECK(transacted.resources[0].second == "arn:aws:dynamodb:us-east-1:111122223333:table/orders");
}

TEST_CASE("transactions reach the trail as requestItems with keys and attribute names, never item values") {
  const rapidjson::Document write = Json(
      R"({"TransactItems":[)"
      R"({"ConditionCheck":{"TableName":"stock","Key":{"sku":{"S":"apple"}},"ConditionExpression":"qty >= :n",)"
      R"("ExpressionAttributeValues":{":n":{"N":"secret-count-1"}}}},)"
      R"({"Put":{"TableName":"orders","Item":{"id":{"S":"o1"},"card":{"S":"secret-card-2"}}}},)"
      R"({"Update":{"TableName":"stock","Key":{"sku":{"S":"pear"}},"UpdateExpression":"SET qty = :q",)"
      R"("ExpressionAttributeValues":{":q":{"N":"secret-count-3"}}}},)"
      R"({"Delete":{"TableName":"carts","Key":{"id":{"S":"c1"}}}}],)"
      R"("ClientRequestToken":"tok-1"})");
  const std::string logged = TrailParameters("TransactWriteItems", write);
  CAPTURE(logged);
  for (const char* secret : {"secret-count-1", "secret-card-2", "secret-count-3"}) {
    CHECK(logged.find(secret) == std::string::npos);
  }
  CHECK(logged ==
        R"({"requestItems":[)"
        R"({"operation":"ConditionCheck","tableName":"stock","key":{"sku":"apple"},)"
        R"("conditionExpression":"qty >= :n"},)"
        R"({"operation":"Put","tableName":"orders","items":["id","card"]},)"
        R"({"operation":"Update","tableName":"stock","key":{"sku":"pear"},"updateExpression":"SET qty = :q"},)"
        R"({"operation":"Delete","tableName":"carts","key":{"id":"c1"}}],)"
        R"("clientRequestToken":"tok-1"})");

  const rapidjson::Document get = Json(
      R"({"TransactItems":[{"Get":{"TableName":"orders","Key":{"id":{"S":"o1"}},"ProjectionExpression":"card"}}]})");
  CHECK(TrailParameters("TransactGetItems", get) ==
        R"({"requestItems":[{"operation":"Get","tableName":"orders","key":{"id":"o1"},)"
        R"("projectionExpression":"card"}]})");
}

TEST_CASE("a transaction's event names each table it touches once, by name or ARN") {
  const rapidjson::Document write = Json(
      R"({"TransactItems":[{"Put":{"TableName":"orders","Item":{"id":{"S":"o1"}}}},)"
      R"({"Delete":{"TableName":"carts","Key":{"id":{"S":"c1"}}}},)"
      R"({"Put":{"TableName":"orders","Item":{"id":{"S":"o2"}}}},)"
      R"({"Put":{"TableName":"arn:aws:dynamodb:us-east-1:111122223333:table/carts","Item":{"id":{"S":"c2"}}}}]})");
  kms::CallContext call;
  call.caller = iam::RootIdentity("111122223333");
  call.region = "us-east-1";
  const audit::EventInput e = CallEvent("TransactWriteItems", call, &write, core::Status(), "{}");
  REQUIRE(e.resources.size() == 2);
  CHECK(e.resources[0].second == "arn:aws:dynamodb:us-east-1:111122223333:table/orders");
  CHECK(e.resources[1].second == "arn:aws:dynamodb:us-east-1:111122223333:table/carts");
}

TEST_CASE("the trail records legacy parameters as sent, without their attribute values") {
  auto request = Json(R"({"TableName": "t", "Key": {"pk": {"S": "k"}},
      "Expected": {"a": {"Value": {"S": "secret-expected"}}}, "ConditionalOperator": "AND",
      "AttributeUpdates": {"b": {"Action": "PUT", "Value": {"S": "secret-update"}}},
      "AttributesToGet": ["a", "b"],
      "KeyConditions": {"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "secret-key"}]}},
      "QueryFilter": {"c": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "secret-query"}]}},
      "ScanFilter": {"c": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "secret-scan"}]}}})");
  for (const char* operation : {"PutItem", "UpdateItem", "DeleteItem", "GetItem", "Query", "Scan"}) {
    CAPTURE(operation);
    const std::string logged = TrailParameters(operation, request);
    CHECK(logged.find("secret") == std::string::npos);
    CHECK(logged ==
          R"json({"tableName":"t","key":{"pk":"k"},"conditionalOperator":"AND","attributesToGet":"***(Redacted)"})json");
  }
}

}  // namespace
}  // namespace kmslab::ddb
