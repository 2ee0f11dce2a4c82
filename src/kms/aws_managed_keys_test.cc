#include "kms/aws_managed_keys.h"

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <string>

#include "kms/aws_managed_key_policies.h"
#include "kms/service_test_fixture.h"
#include "policy/policy.h"

namespace kmslab::kms {
namespace {

rapidjson::Document Parsed(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  REQUIRE(!doc.HasParseError());
  return doc;
}

TEST_CASE("every predefined alias has an AWS managed key whose policy is a valid key policy for its account") {
  for (std::string_view alias : kPredefinedAliases) {
    CAPTURE(alias);
    std::optional<AwsManagedKeyTemplate> key = AwsManagedKeyFor(alias, "111122223333", "eu-west-3");
    REQUIRE(key.has_value());
    CHECK(key->description.starts_with("Default key that protects my "));
    CHECK(policy::ParsePolicy(key->policy, policy::PolicyKind::kKeyPolicy, policy::SidRule::kMayRepeat).ok());
    CHECK(key->policy.find("\"kms:CallerAccount\":\"111122223333\"") != std::string::npos);
    CHECK(key->policy.find(".eu-west-3.amazonaws.com\"") != std::string::npos);
  }
  CHECK_FALSE(AwsManagedKeyFor("alias/aws/nosuchservice", "111122223333", "eu-west-3").has_value());
  CHECK_FALSE(AwsManagedKeyFor("alias/s3", "111122223333", "eu-west-3").has_value());
}

TEST_CASE("DescribeKey on a predefined alias creates its AWS managed key once, by alias name or alias ARN") {
  Fixture f;
  Reply first = f.Call("DescribeKey", R"({"KeyId": "alias/aws/s3"})");
  REQUIRE(first.status.ok());
  rapidjson::Document md = Parsed(first.body);
  const std::string key_id = md["KeyMetadata"]["KeyId"].GetString();
  CHECK(std::string(md["KeyMetadata"]["KeyManager"].GetString()) == "AWS");
  CHECK(std::string(md["KeyMetadata"]["Description"].GetString()) ==
        "Default key that protects my S3 objects when no other key is defined");
  CHECK(std::string(md["KeyMetadata"]["KeyState"].GetString()) == "Enabled");

  Reply again = f.Call("DescribeKey", R"({"KeyId": "arn:aws:kms:us-east-1:111122223333:alias/aws/s3"})");
  REQUIRE(again.status.ok());
  CHECK(std::string(Parsed(again.body)["KeyMetadata"]["KeyId"].GetString()) == key_id);
  CHECK(f.keys->AliasesOf("us-east-1", key_id) == std::vector<std::string>{"alias/aws/s3"});
  CHECK(f.keys->FindAlias("111122223333", "us-east-1", "alias/aws/ebs") == std::nullopt);
}

TEST_CASE("DescribeKey creates no AWS managed key for another account, region or a non-predefined name") {
  Fixture f;
  for (const char* id :
       {"arn:aws:kms:us-east-1:444455556666:alias/aws/s3", "arn:aws:kms:eu-west-1:111122223333:alias/aws/s3",
        "alias/aws/nosuchservice", "alias/aws/S3"}) {
    CAPTURE(id);
    Reply r = f.Call("DescribeKey", std::string(R"({"KeyId": ")") + id + R"("})");
    CHECK(r.status.aws_type() == "NotFoundException");
  }
  CHECK(f.keys->FindAlias("111122223333", "us-east-1", "alias/aws/s3") == std::nullopt);
}

}  // namespace
}  // namespace kmslab::kms
