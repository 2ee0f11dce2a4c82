#include "cli/scenario.h"

#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "core/base64.h"
#include "crypto/asymmetric_key.h"
#include "crypto/private_key.h"
#include "crypto/rsa_oaep.h"

namespace kmslab::cli {
namespace {

core::StatusOr<Scenario> Parse(const std::string& text, const std::vector<std::string>& dirs = {}) {
  return ParseScenario(text, "labs/x.json", dirs);
}

// The parse error's message (empty when the text parses).
std::string ErrorOf(const std::string& text) {
  auto parsed = Parse(text);
  return parsed.ok() ? "" : parsed.status().message();
}

TEST_CASE("a scenario with defaults, saves, expectations and a clock step") {
  auto s = Parse(R"({
    "title": "t", "observe": "o", "server": {"grantDelaySeconds": 60},
    "setup": [{"call": "kms:CreateKey", "save": {"keyArn": "KeyMetadata.Arn"}}],
    "steps": [
      {"as": "db-lead", "call": "kms:DescribeKey", "params": {"KeyId": "${keyArn}"},
       "expect": {"error": "AccessDeniedException", "message": "not authorized", "determining": "statement 0"},
       "note": "direct"},
      {"clock": {"advanceSeconds": 360}},
      {"as": "role/db-team", "call": "dynamodb:ListTables", "expect": {"values": {"TableNames[0]": "t-${keyArn}"}}}
    ]})");
  REQUIRE(s.ok());
  CHECK(s->title == "t");
  CHECK(s->observe == "o");
  CHECK(s->grant_delay_seconds == 60);
  REQUIRE(s->setup.size() == 1);
  CHECK(s->setup[0].as == "admin");
  CHECK(s->setup[0].Call() == "kms:CreateKey");
  CHECK(s->setup[0].params_json == "{}");
  CHECK(s->setup[0].expect.success);
  CHECK(s->setup[0].save == std::vector<std::pair<std::string, std::string>>{{"keyArn", "KeyMetadata.Arn"}});
  REQUIRE(s->steps.size() == 3);
  CHECK(s->steps[0].as == "db-lead");
  CHECK(s->steps[0].service == "kms");
  CHECK(s->steps[0].operation == "DescribeKey");
  CHECK(!s->steps[0].expect.success);
  CHECK(s->steps[0].expect.error == "AccessDeniedException");
  CHECK(s->steps[0].expect.message == "not authorized");
  CHECK(s->steps[0].expect.determining == "statement 0");
  CHECK(s->steps[0].note == "direct");
  CHECK(s->steps[1].advance_seconds == 360);
  CHECK(s->steps[2].as == "role/db-team");
  CHECK(s->steps[2].expect.success);
  CHECK(s->steps[2].expect.values == std::vector<std::pair<std::string, std::string>>{{"TableNames[0]", "t-${keyArn}"}});
}

TEST_CASE("inline Policy objects become strings; file includes are read") {
  char dir[] = "/tmp/kmslab-scenario-test-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  std::filesystem::create_directories(std::string(dir) + "/policies");
  std::ofstream(std::string(dir) + "/policies/p.json") << "{\"Version\": \"2012-10-17\"}\n";
  auto s = Parse(R"({"title": "t", "steps": [
      {"call": "kms:CreateKey", "params": {"Policy": {"Version": "2012-10-17", "Statement": []}}},
      {"call": "kms:CreateKey", "params": {"Policy": {"file": "policies/p.json"}, "Tags": [{"file": "policies/p.json"}]}}
    ]})",
                 {"/nonexistent", dir});
  std::filesystem::remove_all(dir);
  REQUIRE(s.ok());
  CHECK(s->steps[0].params_json == R"({"Policy":"{\"Version\":\"2012-10-17\",\"Statement\":[]}"})");
  CHECK(s->steps[1].params_json ==
        R"({"Policy":"{\"Version\": \"2012-10-17\"}\n","Tags":["{\"Version\": \"2012-10-17\"}\n"]})");
  auto missing = Parse(R"({"title": "t", "steps": [{"call": "kms:CreateKey", "params": {"Policy": {"file": "no.json"}}}]})",
                       {"/nonexistent"});
  REQUIRE(!missing.ok());
  CHECK(missing.status().message() ==
        "labs/x.json: steps[0].params.Policy: cannot read included file \"no.json\" (tried /nonexistent/no.json)");
}

TEST_CASE("problems name the file, the step and what is wrong") {
  CHECK(ErrorOf("{\"title\": \"t\",\n \"steps\": [}") ==
        "labs/x.json: not valid JSON at line 2, column 12: Invalid value.");
  CHECK(ErrorOf("[]") == "labs/x.json: the top level must be a JSON object");
  CHECK(ErrorOf(R"({"steps": [{"call": "kms:CreateKey"}]})") == "labs/x.json: \"title\" must be a non-empty string");
  CHECK(ErrorOf(R"({"title": "t"})") == "labs/x.json: \"steps\" is missing");
  CHECK(ErrorOf(R"({"title": "t", "steps": []})") == "labs/x.json: steps: must hold at least one step");
  CHECK(ErrorOf(R"({"title": "t", "step": []})") ==
        "labs/x.json: unknown member \"step\" (expected title, observe, setup, steps, server)");
  CHECK(ErrorOf(R"({"title": "t", "steps": [{"call": "s3:GetObject"}]})") ==
        "labs/x.json: steps[0]: \"call\" must be kms:, dynamodb:, dynamodbstreams: or sts: and an operation, e.g. \"kms:CreateKey\"; "
        "got \"s3:GetObject\"");
  CHECK(ErrorOf(R"({"title": "t", "steps": [{"call": "kms:Encrypt", "expects": "success"}]})") ==
        "labs/x.json: steps[0]: unknown member \"expects\" (expected as, call, params, save, expect, note, region; or clock)");
  CHECK(ErrorOf(R"({"title": "t", "steps": [{"call": "kms:Encrypt", "region": "mars"}]})") ==
        "labs/x.json: steps[0]: \"region\" must be an AWS Region name such as us-west-2");
  CHECK(ErrorOf(R"({"title": "t", "steps": [{"call": "kms:Encrypt", "expect": "failure"}]})") ==
        "labs/x.json: steps[0]: \"expect\" must be \"success\", {\"values\": {\"Dotted.Path\": \"value\"}} or "
        "{\"error\": TYPE, \"message\": ..., \"determining\": ...}");
  CHECK(ErrorOf(R"({"title": "t", "steps": [{"call": "kms:Encrypt", "expect": {"error": "X"}}]})") ==
        "labs/x.json: steps[0]: an expected error needs a \"message\" or \"determining\" fragment as well");
  CHECK(ErrorOf(R"({"title": "t", "steps": [{"clock": {"advanceSeconds": -1}}]})") ==
        "labs/x.json: steps[0]: \"clock\" must be {\"advanceSeconds\": N} with N a whole number, 0 or more");
  CHECK(ErrorOf(R"({"title": "t", "server": {"grantDelay": 5}, "steps": [{"call": "kms:ListKeys"}]})") ==
        "labs/x.json: server: unknown member \"grantDelay\" (only grantDelaySeconds)");
  // A name must be saved by an earlier step (not the same one).
  CHECK(ErrorOf(R"({"title": "t", "steps": [
        {"call": "kms:DescribeKey", "params": {"KeyId": "${key}"}, "save": {"key": "KeyMetadata.Arn"}}]})") ==
        "labs/x.json: steps[0]: uses ${key}, which no earlier step saves");
  CHECK(ErrorOf(R"({"title": "t", "steps": [{"call": "kms:ListKeys", "expect": {"error": "E", "message": "${x}"}}]})") ==
        "labs/x.json: steps[0]: expects ${x}, which no step before it saves");
}

TEST_CASE("ExpandParams replaces saved values inside strings, escaping them") {
  SavedValues saved = {{"arn", "arn:aws:kms:us-east-1:111122223333:key/k"}, {"quote", "a\"b"}};
  auto out = ExpandParams(R"({"KeyId":"${arn}","Text":"x ${quote} y","N":1})", saved);
  REQUIRE(out.ok());
  CHECK(*out == R"({"KeyId":"arn:aws:kms:us-east-1:111122223333:key/k","Text":"x a\"b y","N":1})");
  CHECK(ExpandText("key ${arn} is disabled.", saved).value() ==
        "key arn:aws:kms:us-east-1:111122223333:key/k is disabled.");
  auto missing = ExpandParams(R"({"KeyId":"${nope}"})", saved);
  REQUIRE(!missing.ok());
  CHECK(missing.status().message() == "no saved value ${nope} (did the step that saves it fail?)");
}

TEST_CASE("${serverTime+N} needs no saved value, marks the step and is checked at parse time") {
  auto s = Parse(R"({"title": "t", "steps": [
      {"call": "kms:ImportKeyMaterial", "params": {"ValidTo": "${serverTime+3600}"}},
      {"call": "kms:ListKeys", "expect": {"values": {"Truncated": "${serverTime-5}"}}},
      {"call": "kms:ListKeys"}]})");
  REQUIRE(s.ok());
  CHECK(s->steps[0].uses_server_time);
  CHECK(s->steps[1].uses_server_time);
  CHECK(!s->steps[2].uses_server_time);
  const std::string usage =
      "the server clock is ${serverTime}, ${serverTime+N} or ${serverTime-N}, N whole seconds up to 3153600000";
  CHECK(ErrorOf(R"({"title": "t", "steps": [{"call": "kms:ListKeys", "params": {"V": "${serverTime+1h}"}}]})") ==
        "labs/x.json: steps[0]: ${serverTime+1h}: " + usage);
  CHECK(ErrorOf(R"({"title": "t", "steps": [{"call": "kms:ListKeys", "params": {"V": "${serverTime+99999999999}"}}]})") ==
        "labs/x.json: steps[0]: ${serverTime+99999999999}: " + usage);
  CHECK(ErrorOf(R"({"title": "t", "steps": [{"call": "kms:ListKeys", "expect": {"error": "E", "message": "${serverTimes}"}}]})") ==
        "labs/x.json: steps[0]: ${serverTimes}: " + usage);
  CHECK(ErrorOf(R"({"title": "t", "steps": [{"call": "kms:ListKeys", "save": {"serverTime": "Keys"}}]})") ==
        "labs/x.json: steps[0]: cannot save as \"serverTime\": " + usage);
}

TEST_CASE("ExpandParams turns a whole serverTime string into a number, a part into digits") {
  auto out = ExpandParams(R"({"ValidTo":"${serverTime+3600}","Now":"${serverTime}","Text":"at ${serverTime-60}"})", {},
                          1700000000);
  REQUIRE(out.ok());
  CHECK(*out == R"({"ValidTo":1700003600,"Now":1700000000,"Text":"at 1699999940"})");
  CHECK(ExpandText("${serverTime+1}", {}, 1700000000).value() == "1700000001");
  auto unknown = ExpandParams(R"({"ValidTo":"${serverTime}"})", {});
  REQUIRE(!unknown.ok());
  CHECK(unknown.status().message() == "the server time is not known");
}

TEST_CASE("wrapKeyMaterial objects are checked at parse time") {
  auto s = Parse(R"({"title": "t", "steps": [
      {"call": "kms:GetParametersForImport", "save": {"pk": "PublicKey"}},
      {"call": "kms:ImportKeyMaterial", "params": {"EncryptedKeyMaterial": {"wrapKeyMaterial":
          {"publicKey": "${pk}", "material": "AAEC", "algorithm": "RSAES_OAEP_SHA_1"}}}}]})");
  REQUIRE(s.ok());
  CHECK(s->steps[1].params_json ==
        R"({"EncryptedKeyMaterial":{"wrapKeyMaterial":{"publicKey":"${pk}","material":"AAEC","algorithm":"RSAES_OAEP_SHA_1"}}})");
  const std::string usage =
      "must be {\"wrapKeyMaterial\": {\"publicKey\": BASE64, \"material\": BASE64, \"algorithm\": "
      "\"RSAES_OAEP_SHA_256\" or \"RSAES_OAEP_SHA_1\"}} and nothing else";
  auto error = [](const std::string& wrap) {
    return ErrorOf(R"({"title": "t", "steps": [{"call": "kms:ImportKeyMaterial", "params": {"M": )" + wrap + "}}]}");
  };
  CHECK(error(R"({"wrapKeyMaterial": {"publicKey": "AAEC", "material": "AAEC", "algorithm": "RSAES_PKCS1_V1_5"}})") ==
        "labs/x.json: steps[0].params.M: wrapKeyMaterial: " + usage + "; got algorithm \"RSAES_PKCS1_V1_5\"");
  CHECK(error(R"({"wrapKeyMaterial": {"publicKey": "AAEC", "material": "not base64!", "algorithm": "RSAES_OAEP_SHA_1"}})") ==
        "labs/x.json: steps[0].params.M: wrapKeyMaterial: material is not base64 (standard alphabet, with padding)");
  CHECK(error(R"({"wrapKeyMaterial": {"publicKey": "AAEC", "material": "AAEC"}})") ==
        "labs/x.json: steps[0].params.M: wrapKeyMaterial: " + usage);
  CHECK(error(R"({"wrapKeyMaterial": {"publicKey": "AAEC", "material": "AAEC", "algorithm": "RSAES_OAEP_SHA_1"}, "x": 1})") ==
        "labs/x.json: steps[0].params.M: wrapKeyMaterial: " + usage);
}

TEST_CASE("ExpandParams wraps key material to the public key, or fails clearly") {
  auto pkcs8 = crypto::GenerateRsaKey(2048);
  REQUIRE(pkcs8.ok());
  auto key = crypto::PrivateKey::Parse(*pkcs8);
  REQUIRE(key.ok());
  const SavedValues saved = {{"pk", core::Base64Encode((*key)->public_key_info())}, {"junk", "AAEC"}};
  for (const auto& wrapping : {std::pair{"RSAES_OAEP_SHA_256", crypto::OaepHash::kSha256},
                                std::pair{"RSAES_OAEP_SHA_1", crypto::OaepHash::kSha1}}) {
    // Named copies: clang 14 cannot capture structured bindings in CAPTURE's lambda.
    const char* algorithm = wrapping.first;
    const crypto::OaepHash hash = wrapping.second;
    CAPTURE(algorithm);
    auto out = ExpandParams(R"({"KeyId":"k","EncryptedKeyMaterial":{"wrapKeyMaterial":{"publicKey":"${pk}",)"
                            R"("material":"AAECAw==","algorithm":")" + std::string(algorithm) + R"("}}})",
                            saved);
    REQUIRE(out.ok());
    auto wrapped = LookupPath(*out, "EncryptedKeyMaterial");
    REQUIRE(wrapped.has_value());
    std::string blob;
    REQUIRE(core::Base64Decode(*wrapped, &blob));
    auto material = crypto::RsaOaepDecrypt(**key, hash, blob);
    REQUIRE(material.ok());
    CHECK(material->Reveal() == std::string("\x00\x01\x02\x03", 4));
  }
  auto not_a_key = ExpandParams(
      R"({"E":[{"wrapKeyMaterial":{"publicKey":"${junk}","material":"AAEC","algorithm":"RSAES_OAEP_SHA_256"}}]})", saved);
  REQUIRE(!not_a_key.ok());
  CHECK(not_a_key.status().message() == "E[0]: wrapKeyMaterial: not a DER SubjectPublicKeyInfo");
  auto not_base64 = ExpandParams(
      R"({"E":{"wrapKeyMaterial":{"publicKey":"${pk}!","material":"AAEC","algorithm":"RSAES_OAEP_SHA_256"}}})", saved);
  REQUIRE(!not_base64.ok());
  CHECK(not_base64.status().message() ==
        "E: wrapKeyMaterial: publicKey is not base64 (standard alphabet, with padding)");
  const std::string too_long = core::Base64Encode(std::string(300, 'x'));
  auto oversize = ExpandParams(R"({"E":{"wrapKeyMaterial":{"publicKey":"${pk}","material":")" + too_long +
                                   R"(","algorithm":"RSAES_OAEP_SHA_256"}}})",
                               saved);
  REQUIRE(!oversize.ok());
  CHECK(oversize.status().message() == "E: wrapKeyMaterial: plaintext too long");
}

TEST_CASE("LookupPath follows objects and array indexes") {
  const std::string json = R"({"KeyMetadata":{"Arn":"a","Enabled":true},"Grants":[{"GrantId":"g0"},{"GrantId":"g1"}]})";
  CHECK(LookupPath(json, "KeyMetadata.Arn") == "a");
  CHECK(LookupPath(json, "KeyMetadata.Enabled") == "true");
  CHECK(LookupPath(json, "Grants[1].GrantId") == "g1");
  CHECK(LookupPath(json, "Grants.0.GrantId") == "g0");
  CHECK(LookupPath(json, "Grants[2].GrantId") == std::nullopt);
  CHECK(LookupPath(json, "KeyMetadata.KeyId") == std::nullopt);
}

}  // namespace
}  // namespace kmslab::cli
