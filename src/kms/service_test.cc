#include "kms/service.h"

#include <doctest/doctest.h>
#include <stdlib.h>

#include <rapidjson/document.h>

#include <algorithm>
#include <vector>

#include "kms/service_test_fixture.h"

namespace kmslab::kms {
namespace {

TEST_CASE("every request is audited exactly once, whatever its outcome") {
  Fixture f;
  std::string key = f.CreateKey();
  f.Call("Encrypt", R"({"KeyId": ")" + key + R"(", "Plaintext": "aGk="})");
  f.Call("Encrypt", "{}");
  f.Call("NoSuchOperation", "{}");
  f.Call("ListKeys", "not json");
  REQUIRE(f.sink.operations.size() == 5);
  CHECK(f.sink.operations[1] == "Encrypt");
  CHECK(f.sink.types == std::vector<std::string>{"", "", "ValidationException", "UnknownOperationException",
                                                 "SerializationException"});
}

TEST_CASE("authorization runs before key state and execution, and a denial changes nothing") {
  Fixture f;
  std::string key = f.CreateKey();
  REQUIRE(f.Call("DisableKey", R"({"KeyId": ")" + key + R"("})").status.ok());
  f.authorizer.deny = true;
  Reply denied = f.Call("Encrypt", R"({"KeyId": ")" + key + R"(", "Plaintext": "aGk="})");
  CHECK(denied.status.aws_type() == "AccessDeniedException");
  CHECK(f.Call("EnableKey", R"({"KeyId": ")" + key + R"("})").status.aws_type() == "AccessDeniedException");
  CHECK(f.keys->Find("us-east-1", key)->meta.state == store::KeyState::kDisabled);
  f.authorizer.deny = false;
  CHECK(f.Call("Encrypt", R"({"KeyId": ")" + key + R"(", "Plaintext": "aGk="})").status.aws_type() ==
        "DisabledException");
}

TEST_CASE("switches: key state before access, DisabledException for pending deletion") {
  Fixture f({.key_state_before_access = true, .pending_deletion_disabled = true});
  std::string key = f.CreateKey();
  REQUIRE(f.Call("DisableKey", R"({"KeyId": ")" + key + R"("})").status.ok());
  f.authorizer.deny = true;
  CHECK(f.Call("Encrypt", R"({"KeyId": ")" + key + R"(", "Plaintext": "aGk="})").status.aws_type() ==
        "DisabledException");
  f.authorizer.deny = false;
  REQUIRE(f.Call("ScheduleKeyDeletion", R"({"KeyId": ")" + key + R"("})").status.ok());
  CHECK(f.Call("Encrypt", R"({"KeyId": ")" + key + R"(", "Plaintext": "aGk="})").status.aws_type() ==
        "DisabledException");
  Fixture defaults;
  std::string other = defaults.CreateKey();
  REQUIRE(defaults.Call("ScheduleKeyDeletion", R"({"KeyId": ")" + other + R"("})").status.ok());
  CHECK(defaults.Call("Encrypt", R"({"KeyId": ")" + other + R"(", "Plaintext": "aGk="})").status.aws_type() ==
        "KMSInvalidStateException");
}

TEST_CASE("ReEncrypt authorizes both halves; CreateAlias checks the alias and the key") {
  Fixture f;
  std::string a = f.CreateKey(), b = f.CreateKey();
  Reply enc = f.Call("Encrypt", R"({"KeyId": ")" + a + R"(", "Plaintext": "aGk="})");
  rapidjson::Document doc;
  doc.Parse(enc.body.data(), enc.body.size());
  f.authorizer.actions.clear();
  Reply re = f.Call("ReEncrypt", std::string(R"({"CiphertextBlob": ")") + doc["CiphertextBlob"].GetString() +
                                     R"(", "DestinationKeyId": ")" + b + R"("})");
  CHECK(re.status.ok());
  CHECK(f.authorizer.actions == std::vector<std::string>{"kms:ReEncryptFrom", "kms:ReEncryptTo"});
  f.authorizer.actions.clear();
  CHECK(f.Call("CreateAlias", R"({"AliasName": "alias/x", "TargetKeyId": ")" + a + R"("})").status.ok());
  CHECK(f.authorizer.actions == std::vector<std::string>{"kms:CreateAlias", "kms:CreateAlias"});
}

TEST_CASE("the alias index follows create, repoint and delete") {
  Fixture f;
  std::string a = f.CreateKey(), b = f.CreateKey();
  REQUIRE(f.Call("CreateAlias", R"({"AliasName": "alias/y", "TargetKeyId": ")" + a + R"("})").status.ok());
  REQUIRE(f.Call("CreateAlias", R"({"AliasName": "alias/x", "TargetKeyId": ")" + a + R"("})").status.ok());
  CHECK(f.keys->AliasesOf("us-east-1", a) == std::vector<std::string>{"alias/x", "alias/y"});
  REQUIRE(f.Call("UpdateAlias", R"({"AliasName": "alias/x", "TargetKeyId": ")" + b + R"("})").status.ok());
  CHECK(f.keys->AliasesOf("us-east-1", a) == std::vector<std::string>{"alias/y"});
  CHECK(f.keys->AliasesOf("us-east-1", b) == std::vector<std::string>{"alias/x"});
  REQUIRE(f.Call("DeleteAlias", R"({"AliasName": "alias/y"})").status.ok());
  CHECK(f.keys->AliasesOf("us-east-1", a).empty());
}

TEST_CASE("ListAliases merges AWS's predefined aliases in name order, without a target, across pages") {
  Fixture f;
  std::string key = f.CreateKey();
  for (const char* name : {"alias/z", "alias/a", "alias/aws-like"}) {
    REQUIRE(f.Call("CreateAlias", std::string(R"({"AliasName": ")") + name + R"(", "TargetKeyId": ")" + key + R"("})")
                .status.ok());
  }
  std::vector<std::string> names;
  size_t targeted = 0;
  std::string marker;
  do {
    Reply page = f.Call("ListAliases", marker.empty() ? R"({"Limit": 3})"
                                                      : R"({"Limit": 3, "Marker": ")" + marker + R"("})");
    REQUIRE(page.status.ok());
    rapidjson::Document doc;
    doc.Parse(page.body.data(), page.body.size());
    CHECK(doc["Aliases"].Size() <= 3);
    for (const auto& a : doc["Aliases"].GetArray()) {
      names.push_back(a["AliasName"].GetString());
      const bool predefined = names.back().starts_with("alias/aws/");
      CHECK(a.HasMember("TargetKeyId") != predefined);
      CHECK(a.HasMember("CreationDate") != predefined);
      if (!predefined) ++targeted;
    }
    marker = doc["Truncated"].GetBool() ? doc["NextMarker"].GetString() : "";
  } while (!marker.empty());
  CHECK(names.size() == 17);
  CHECK(targeted == 3);
  CHECK(std::is_sorted(names.begin(), names.end()));
  CHECK(names.front() == "alias/a");
  CHECK(names[1] == "alias/aws-like");
  CHECK(names[2] == "alias/aws/acm");
  CHECK(names.back() == "alias/z");
  // A KeyId filter lists only that key's aliases.
  Reply mine = f.Call("ListAliases", R"({"KeyId": ")" + key + R"("})");
  rapidjson::Document doc;
  doc.Parse(mine.body.data(), mine.body.size());
  CHECK(doc["Aliases"].Size() == 3);
}

TEST_CASE("deletion and automatic rotation happen when the server clock passes their dates") {
  Fixture f;
  std::string doomed = f.CreateKey(), rotating = f.CreateKey();
  REQUIRE(f.Call("CreateAlias", R"({"AliasName": "alias/doomed", "TargetKeyId": ")" + doomed + R"("})").status.ok());
  REQUIRE(f.Call("ScheduleKeyDeletion", R"({"KeyId": ")" + doomed + R"(", "PendingWindowInDays": 7})").status.ok());
  REQUIRE(f.Call("EnableKeyRotation", R"({"KeyId": ")" + rotating + R"(", "RotationPeriodInDays": 90})").status.ok());
  f.clock.AdvanceSeconds(7 * 86400 - 60);
  CHECK(f.Call("DescribeKey", R"({"KeyId": ")" + doomed + R"("})").status.ok());
  f.clock.AdvanceSeconds(120);
  CHECK(f.Call("DescribeKey", R"({"KeyId": ")" + doomed + R"("})").status.aws_type() == "NotFoundException");
  CHECK(f.keys->ListAliases("111122223333", "us-east-1").empty());
  CHECK(f.keys->Find("us-east-1", rotating)->materials.size() == 1);
  f.clock.AdvanceSeconds(90 * 86400);
  f.Call("ListKeys", "{}");
  auto rotated = f.keys->Find("us-east-1", rotating);
  REQUIRE(rotated->materials.size() == 2);
  CHECK(rotated->current().rotation_type == "AUTOMATIC");
  CHECK(rotated->meta.next_rotation_ms > f.clock.NowMillis());
  // Each piece of work reached the audit stage once, as a service event.
  CHECK(f.sink.due_events == std::vector<std::string>{"DeleteKey", "RotateKey"});
}

}  // namespace
}  // namespace kmslab::kms
