#include "ddb/resource_policies.h"

#include <doctest/doctest.h>

#include "policy/document.h"

namespace kmslab::ddb {
namespace {

const std::string kArn = "arn:aws:dynamodb:us-east-1:111122223333:table/Music";
const std::string kInvalidDocument = "One or more parameter values were invalid: Invalid policy document: ";

std::string MessageOf(std::string_view text) {
  auto slot = ReadResourcePolicyDocument(text);
  REQUIRE_FALSE(slot.ok());
  CHECK(slot.status().aws_type() == "ValidationException");
  return slot.status().message();
}

TEST_CASE("table, index and stream ARNs") {
  auto table = ParseTableResourceArn(kArn);
  REQUIRE(table);
  CHECK(table->kind == TableResourceArn::Kind::kTable);
  CHECK(table->account == "111122223333");
  CHECK(table->region == "us-east-1");
  CHECK(table->table == "Music");
  auto index = ParseTableResourceArn(kArn + "/index/ByArtist");
  REQUIRE(index);
  CHECK(index->kind == TableResourceArn::Kind::kIndex);
  CHECK(index->sub == "ByArtist");
  auto stream = ParseTableResourceArn(kArn + "/stream/2024-02-12T18:57:26.492");
  REQUIRE(stream);
  CHECK(stream->kind == TableResourceArn::Kind::kStream);
  CHECK(stream->sub == "2024-02-12T18:57:26.492");
  CHECK(ParseTableResourceArn(kArn + "/backup/01700000000000-abcdef12")->kind == TableResourceArn::Kind::kOther);
  CHECK_FALSE(ParseTableResourceArn("arn:aws-cn:dynamodb:cn-north-1:111122223333:table/Music"));
  CHECK_FALSE(ParseTableResourceArn("arn:aws:kms:us-east-1:111122223333:table/Music"));
  CHECK_FALSE(ParseTableResourceArn("arn:aws:dynamodb:us-east-1:1111:table/Music"));
  CHECK_FALSE(ParseTableResourceArn("arn:aws:dynamodb:us-east-1:111122223333:table/a!"));
  CHECK_FALSE(ParseTableResourceArn("Music"));
}

TEST_CASE("ResourceArn: DynamoDB's texts") {
  const std::string invalid = "One or more parameter values were invalid: ";
  CHECK(ReadPolicyResourceArn("Music").status().message() == invalid + "ARNs must start with 'arn:': Music");
  CHECK(ReadPolicyResourceArn("arn:aws-cn:dynamodb:cn-north-1:111122223333:table/Music").status().message() ==
        invalid + "Invalid resource Arn: arn:aws-cn:dynamodb:cn-north-1:111122223333:table/Music");
  CHECK(ReadPolicyResourceArn(kArn + "/index/I1").status().message() ==
        invalid + "Invalid resource arn provided, only table or stream is accepted. Provided resource arn: " + kArn +
            "/index/I1");
  CHECK(ReadPolicyResourceArn(kArn + "/backup/0170").status().message() ==
        invalid + "Provided Arn is not a DynamoDB resource arn: " + kArn + "/backup/0170");
  CHECK(ReadPolicyResourceArn(kArn).ok());
  CHECK(ReadPolicyResourceArn(kArn + "/stream/2024-02-12T18:57:26.492").ok());
}

TEST_CASE("documents: accepted ones are kept minified and parsed") {
  auto slot = ReadResourcePolicyDocument(R"({ "Version": "2012-10-17", "Statement": [ {
      "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
      "Action": "dynamodb:GetItem", "Resource": ")" + kArn + R"(" } ] })");
  REQUIRE(slot.ok());
  CHECK(slot->text == R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":)"
                      R"("arn:aws:iam::444455556666:root"},"Action":"dynamodb:GetItem","Resource":")" +
                          kArn + R"("}]})");
  REQUIRE(slot->parsed);
  CHECK(slot->parsed->statements().size() == 1);
  CHECK(slot->revision_id.empty());
}

TEST_CASE("documents: DynamoDB's rejections") {
  CHECK(MessageOf("") == kInvalidDocument + "This policy contains invalid Json");
  CHECK(MessageOf("{not json") == kInvalidDocument + "This policy contains invalid Json");
  CHECK(MessageOf(R"({"Version":"2012-10-17","Statement":[]})") ==
        kInvalidDocument + "Could not parse the policy: Statement is empty!");
  CHECK(MessageOf(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},)"
                  R"("Action":"dynamodb:GetItem"}]})") == kInvalidDocument + "Missing required field Resource");
  CHECK(MessageOf(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:GetItem",)"
                  R"("Resource":"*"}]})") == kInvalidDocument + "Missing required field Principal");
  const std::string twice = R"({"Sid":"A","Effect":"Deny","Principal":{"AWS":"111122223333"},)"
                            R"("Action":"dynamodb:GetItem","Resource":"*"})";
  CHECK(MessageOf(R"({"Version":"2012-10-17","Statement":[)" + twice + "," + twice + "]}") ==
        kInvalidDocument + "The Statement Ids in the policy are not unique");
  CHECK(MessageOf(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",)"
                  R"("Action":"dynamodb:GetItem","Resource":"*"}]})") ==
        "Resource-based policy grants unbounded access in one or more elements. Please revise the policy to ensure "
        "least-privilege form of access");
  CHECK(MessageOf(R"({"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Principal":{"AWS":"111122223333"},)"
                  R"("Action":"dynamodb:GetItem","Resource":"*"}]})")
            .starts_with(kInvalidDocument + "Statement[0]: Effect must be"));
  CHECK(MessageOf(std::string(kMaxResourcePolicyBytes + 1, ' ')) ==
        "One or more parameter values were invalid: Maximum policy size of 20480 bytes exceeded");
}

TEST_CASE("documents: a conditioned Allow to everyone and a Deny to everyone are accepted") {
  CHECK(ReadResourcePolicyDocument(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",)"
                                   R"("Action":"dynamodb:GetItem","Resource":"*","Condition":{"StringEquals":)"
                                   R"({"aws:PrincipalAccount":"444455556666"}}}]})")
            .ok());
  CHECK(ReadResourcePolicyDocument(R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*",)"
                                   R"("Action":"dynamodb:DeleteItem","Resource":"*"}]})")
            .ok());
}

TEST_CASE("revision ids are epoch milliseconds, always increasing") {
  CHECK(NextRevisionId("", 1700000000000) == "1700000000000");
  CHECK(NextRevisionId("1700000000000", 1700000000000) == "1700000000001");
  CHECK(NextRevisionId("1700000000000", 1700000000500) == "1700000000500");
  CHECK(NextRevisionId("not-a-number", 5) == "5");
}

}  // namespace
}  // namespace kmslab::ddb
