#include "audit/event.h"

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <string>

namespace kmslab::audit {
namespace {

rapidjson::Document Parse(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  REQUIRE_FALSE(doc.HasParseError());
  REQUIRE(doc.IsObject());
  return doc;
}

EventInput SampleEvent(std::string user_agent, std::string error_message) {
  Actor actor;
  actor.identity_type = "IAMUser";
  actor.arn = "arn:aws:iam::111122223333:user/alice";
  actor.account = "111122223333";
  actor.principal_id = "AIDAEXAMPLE";
  actor.user_name = "alice";
  actor.source_ip = "127.0.0.1";
  actor.user_agent = std::move(user_agent);
  EventInput e;
  e.time_ms = 1700000000000;
  e.actor = ShareActor(std::move(actor));
  e.event_name = "Encrypt";
  e.region = "us-east-1";
  e.request_id = "r-1";
  e.event_id = "e-1";
  rapidjson::Document request;
  request.Parse(R"({"KeyId":"alias/app","Plaintext":"c2VjcmV0","EncryptionContext":{"Tenant":"t\"1"}})");
  e.request_parameters = ParametersJson(request);
  e.resources = {{"111122223333", "arn:aws:kms:us-east-1:111122223333:key/k1"}};
  e.recipient_account = "111122223333";
  e.error_code = "AccessDeniedException";
  e.error_message = std::move(error_message);
  e.effect = "ImplicitDeny";
  e.determining.push_back({"kms:Encrypt", {.source = "key-policy", .index = 1, .sid = "Allow \"app\""}});
  return e;
}

TEST_CASE("events are CloudTrail-shaped JSON, strings escaped wherever they fall") {
  // Characters that need escaping at every offset around the 8-byte scan.
  for (size_t at = 0; at < 20; ++at) {
    std::string agent(24, 'a');
    agent.insert(at, "\"\\\n\t\x01/é");
    const std::string message = "denied: \"" + std::string(at, 'x') + "\x1f" + "\"";
    std::string json;
    AppendEventJson(SampleEvent(agent, message), json);
    rapidjson::Document doc = Parse(json);
    CHECK(std::string(doc["userAgent"].GetString()) == agent);
    CHECK(std::string(doc["errorMessage"].GetString()) == message);
  }
  std::string json;
  AppendEventJson(SampleEvent("Boto3/1.43", "no"), json);
  rapidjson::Document doc = Parse(json);
  CHECK(std::string(doc["eventVersion"].GetString()) == "1.08");
  CHECK(std::string(doc["userIdentity"]["arn"].GetString()) == "arn:aws:iam::111122223333:user/alice");
  CHECK(std::string(doc["eventTime"].GetString()) == "2023-11-14T22:13:20Z");
  CHECK(std::string(doc["errorCode"].GetString()) == "AccessDenied");
  CHECK(std::string(doc["requestParameters"]["keyId"].GetString()) == "alias/app");
  CHECK(std::string(doc["requestParameters"]["encryptionContext"]["Tenant"].GetString()) == "t\"1");
  CHECK_FALSE(doc["requestParameters"].HasMember("plaintext"));
  CHECK(doc["responseElements"].IsNull());
  CHECK(doc["readOnly"].GetBool());
  CHECK(std::string(doc["resources"][0]["ARN"].GetString()) == "arn:aws:kms:us-east-1:111122223333:key/k1");
  CHECK(std::string(doc["kmslabDecision"]["effect"].GetString()) == "ImplicitDeny");
  CHECK(std::string(doc["kmslabDecision"]["determining"][0].GetString()) ==
        "kms:Encrypt: key-policy statement 1 \"Allow \"app\"\"");
}

TEST_CASE("secret and key-bytes members are never logged, wherever they appear") {
  rapidjson::Document request;
  request.Parse(R"({"KeyId":"k","KeyAgreementAlgorithm":"ECDH","PublicKey":"cGVlcg==","PrivateKeyPlaintext":"cA==",
                    "PrivateKeyCiphertextBlob":"Yw==","SharedSecret":"cw=="})");
  rapidjson::Document doc = Parse(ParametersJson(request));
  CHECK(doc.MemberCount() == 2);
  CHECK(std::string(doc["keyAgreementAlgorithm"].GetString()) == "ECDH");
}

TEST_CASE("numbers past double's range render as null, so the event stays JSON") {
  rapidjson::Document request;
  // RapidJSON refuses 1E400 but reads these as infinities.
  request.Parse(R"({"NumberOfBytes":7767777E306,"Tags":[7767777E306,-7767777E306,2]})");
  REQUIRE_FALSE(request.HasParseError());
  rapidjson::Document parameters = Parse(ParametersJson(request));
  CHECK(parameters["numberOfBytes"].IsNull());
  CHECK(parameters["tags"][0].IsNull());
  CHECK(parameters["tags"][1].IsNull());
  CHECK(parameters["tags"][2].GetInt() == 2);
}

}  // namespace
}  // namespace kmslab::audit
