#include "ddb/trail_event.h"

#include <doctest/doctest.h>

#include <string>

#include "iam/identity.h"

namespace kmslab::ddb {
namespace {

rapidjson::Document Parse(const char* json) {
  rapidjson::Document doc;
  doc.Parse(json);
  REQUIRE(doc.IsObject());
  return doc;
}

TEST_CASE("transactions reach the trail as requestItems with keys and attribute names, never item values") {
  const rapidjson::Document write = Parse(
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

  const rapidjson::Document get = Parse(
      R"({"TransactItems":[{"Get":{"TableName":"orders","Key":{"id":{"S":"o1"}},"ProjectionExpression":"card"}}]})");
  CHECK(TrailParameters("TransactGetItems", get) ==
        R"({"requestItems":[{"operation":"Get","tableName":"orders","key":{"id":"o1"},)"
        R"("projectionExpression":"card"}]})");
}

TEST_CASE("a transaction's event names each table it touches once, by name or ARN") {
  const rapidjson::Document write = Parse(
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

}  // namespace
}  // namespace kmslab::ddb
