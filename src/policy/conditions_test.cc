#include "policy/conditions.h"

#include <doctest/doctest.h>

#include "policy/test_policies.h"

namespace kmslab::policy {
namespace {

// Evaluates every clause of `condition` (a Condition element) with AND.
bool Eval(std::string_view condition, const RequestContext& ctx, std::vector<std::string>* diagnostics = nullptr,
          std::string* detail = nullptr, bool key_policy = false, std::string_view version = "2012-10-17") {
  auto policy = testing::MustParse(R"({"Version":")" + std::string(version) +
                                       R"(","Statement":{"Effect":"Allow","Action":"kms:*","Resource":"*","Condition":)" +
                                       std::string(condition) + "}}",
                                   PolicyKind::kIdentityPolicy);
  EvalNotes notes{diagnostics, "test", 0};
  for (const ConditionClause& clause : policy->statements()[0].conditions)
    if (!EvaluateClause(clause, ctx, key_policy, notes, detail)) return false;
  return true;
}

RequestContext With(std::string_view key, std::string value) {
  RequestContext ctx;
  ctx.Set(key, std::move(value));
  return ctx;
}

TEST_CASE("String operators") {
  RequestContext ctx = With("kms:ViaService", "dynamodb.us-west-2.amazonaws.com");
  CHECK(Eval(R"({"StringEquals":{"kms:ViaService":"dynamodb.us-west-2.amazonaws.com"}})", ctx));
  CHECK_FALSE(Eval(R"({"StringEquals":{"kms:ViaService":"DYNAMODB.us-west-2.amazonaws.com"}})", ctx));
  CHECK(Eval(R"({"StringEqualsIgnoreCase":{"kms:ViaService":"DYNAMODB.us-west-2.amazonaws.com"}})", ctx));
  CHECK_FALSE(Eval(R"({"StringNotEqualsIgnoreCase":{"kms:ViaService":"DYNAMODB.us-west-2.amazonaws.com"}})", ctx));
  CHECK(Eval(R"({"StringNotEquals":{"kms:ViaService":"s3.us-west-2.amazonaws.com"}})", ctx));
  CHECK(Eval(R"({"StringLike":{"kms:ViaService":"dynamodb.*.amazonaws.com"}})", ctx));
  CHECK(Eval(R"({"StringLike":{"kms:ViaService":"dynamodb.us-west-?.amazonaws.com"}})", ctx));
  CHECK_FALSE(Eval(R"({"StringLike":{"kms:ViaService":"Dynamodb.*"}})", ctx));
  CHECK(Eval(R"({"StringNotLike":{"kms:ViaService":"s3.*"}})", ctx));
  CHECK_FALSE(Eval(R"({"StringNotLike":{"kms:ViaService":"dynamodb.*"}})", ctx));
  // StringEquals takes no wildcards.
  CHECK_FALSE(Eval(R"({"StringEquals":{"kms:ViaService":"dynamodb.*.amazonaws.com"}})", ctx));
}

TEST_CASE("several values OR; negated operators AND; several keys and operators AND") {
  RequestContext ctx = With("kms:CallerAccount", "111122223333");
  ctx.Set("kms:ViaService", "dynamodb.us-west-2.amazonaws.com");
  CHECK(Eval(R"({"StringEquals":{"kms:CallerAccount":["444455556666","111122223333"]}})", ctx));
  CHECK_FALSE(Eval(R"({"StringNotEquals":{"kms:CallerAccount":["444455556666","111122223333"]}})", ctx));
  CHECK(Eval(R"({"StringNotEquals":{"kms:CallerAccount":["444455556666","999999999999"]}})", ctx));
  CHECK(Eval(R"({"StringEquals":{"kms:CallerAccount":"111122223333","kms:ViaService":"dynamodb.us-west-2.amazonaws.com"}})", ctx));
  CHECK_FALSE(Eval(R"({"StringEquals":{"kms:CallerAccount":"111122223333","kms:ViaService":"s3.us-west-2.amazonaws.com"}})", ctx));
  CHECK_FALSE(Eval(R"({"StringEquals":{"kms:CallerAccount":"111122223333"},"StringLike":{"kms:ViaService":"s3.*"}})", ctx));
}

TEST_CASE("missing keys: positive false, negated true, IfExists true, Null tests presence") {
  RequestContext empty;
  CHECK_FALSE(Eval(R"({"StringEquals":{"kms:ViaService":"x"}})", empty));
  CHECK_FALSE(Eval(R"({"StringLike":{"kms:ViaService":"*"}})", empty));
  CHECK(Eval(R"({"StringNotEquals":{"kms:ViaService":"x"}})", empty));
  CHECK(Eval(R"({"StringNotLike":{"kms:ViaService":"*"}})", empty));
  CHECK(Eval(R"({"ArnNotLike":{"aws:PrincipalArn":"arn:*"}})", empty));
  CHECK(Eval(R"({"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}})", empty));
  CHECK(Eval(R"({"NumericNotEquals":{"kms:X":"1"}})", empty));
  CHECK(Eval(R"({"StringEqualsIfExists":{"kms:ViaService":"x"}})", empty));
  CHECK(Eval(R"({"StringNotEqualsIfExists":{"kms:ViaService":"x"}})", empty));
  CHECK(Eval(R"({"Null":{"kms:ViaService":"true"}})", empty));
  CHECK_FALSE(Eval(R"({"Null":{"kms:ViaService":"false"}})", empty));
  RequestContext ctx = With("kms:ViaService", "y");
  CHECK_FALSE(Eval(R"({"StringEqualsIfExists":{"kms:ViaService":"x"}})", ctx));
  CHECK_FALSE(Eval(R"({"Null":{"kms:ViaService":"true"}})", ctx));
  CHECK(Eval(R"({"Null":{"kms:ViaService":false}})", ctx));
  // An empty list counts as absent.
  RequestContext listed;
  listed.SetList("kms:EncryptionContextKeys", {});
  CHECK(Eval(R"({"Null":{"kms:EncryptionContextKeys":"true"}})", listed));
}

TEST_CASE("Numeric operators") {
  RequestContext ctx = With("kms:ScheduleKeyDeletionPendingWindowInDays", "14");
  const char* key = "kms:ScheduleKeyDeletionPendingWindowInDays";
  auto eval = [&](std::string op, std::string value) {
    return Eval("{\"" + op + "\":{\"" + key + "\":" + value + "}}", ctx);
  };
  CHECK(eval("NumericEquals", "14"));
  CHECK(eval("NumericEquals", "\"14.0\""));
  CHECK_FALSE(eval("NumericEquals", "15"));
  CHECK(eval("NumericNotEquals", "15"));
  CHECK(eval("NumericLessThan", "15"));
  CHECK_FALSE(eval("NumericLessThan", "14"));
  CHECK(eval("NumericLessThanEquals", "14"));
  CHECK(eval("NumericGreaterThan", "7"));
  CHECK_FALSE(eval("NumericGreaterThan", "14"));
  CHECK(eval("NumericGreaterThanEquals", "14"));
  CHECK(eval("NumericGreaterThanEquals", "-1.5"));
  // A request value that is not a number never matches, and says so.
  std::vector<std::string> diagnostics;
  CHECK_FALSE(Eval(R"({"NumericEquals":{"kms:X":"1"}})", With("kms:X", "one"), &diagnostics));
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].find("cannot be read") != std::string::npos);
}

TEST_CASE("Date operators, ISO 8601 and epoch") {
  RequestContext ctx = With("aws:CurrentTime", "2026-03-01T12:00:00Z");
  CHECK(Eval(R"({"DateLessThan":{"aws:CurrentTime":"2026-12-31T00:00:00Z"}})", ctx));
  CHECK_FALSE(Eval(R"({"DateLessThan":{"aws:CurrentTime":"2026-01-01"}})", ctx));
  CHECK(Eval(R"({"DateGreaterThan":{"aws:CurrentTime":"2026-01-01"}})", ctx));
  CHECK(Eval(R"({"DateGreaterThanEquals":{"aws:CurrentTime":"2026-03-01T12:00:00Z"}})", ctx));
  CHECK(Eval(R"({"DateLessThanEquals":{"aws:CurrentTime":"2026-03-01T13:00:00+01:00"}})", ctx));
  CHECK(Eval(R"({"DateEquals":{"aws:CurrentTime":"1772366400"}})", ctx));
  CHECK(Eval(R"({"DateNotEquals":{"aws:CurrentTime":"1772366401"}})", ctx));
  CHECK(Eval(R"({"DateGreaterThan":{"aws:EpochTime":"2026-01-01T00:00:00Z"}})", With("aws:EpochTime", "1772366400")));
}

TEST_CASE("Bool, BinaryEquals, IpAddress, NotIpAddress") {
  CHECK(Eval(R"({"Bool":{"aws:SecureTransport":"true"}})", With("aws:SecureTransport", "true")));
  CHECK(Eval(R"({"Bool":{"aws:SecureTransport":true}})", With("aws:SecureTransport", "TRUE")));
  CHECK_FALSE(Eval(R"({"Bool":{"aws:SecureTransport":"true"}})", With("aws:SecureTransport", "false")));
  CHECK_FALSE(Eval(R"({"Bool":{"aws:SecureTransport":"true"}})", RequestContext{}));
  CHECK(Eval(R"({"BinaryEquals":{"kms:Blob":"QmluYXJ5VmFsdWU="}})", With("kms:Blob", "QmluYXJ5VmFsdWU=")));
  CHECK_FALSE(Eval(R"({"BinaryEquals":{"kms:Blob":"QmluYXJ5VmFsdWU="}})", With("kms:Blob", "b3RoZXI=")));
  RequestContext ip = With("aws:SourceIp", "203.0.113.7");
  CHECK(Eval(R"({"IpAddress":{"aws:SourceIp":["192.0.2.0/24","203.0.113.0/24"]}})", ip));
  CHECK_FALSE(Eval(R"({"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}})", ip));
  CHECK(Eval(R"({"NotIpAddress":{"aws:SourceIp":"192.0.2.0/24"}})", ip));
  CHECK_FALSE(Eval(R"({"NotIpAddress":{"aws:SourceIp":["192.0.2.0/24","203.0.113.7"]}})", ip));
  RequestContext ip6 = With("aws:SourceIp", "2001:db8::1");
  CHECK(Eval(R"({"IpAddress":{"aws:SourceIp":"2001:db8::/32"}})", ip6));
  CHECK_FALSE(Eval(R"({"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}})", ip6));
}

TEST_CASE("Arn operators glob each part") {
  RequestContext ctx = With("aws:PrincipalArn", "arn:aws:iam::111122223333:role/db-team");
  CHECK(Eval(R"({"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/db-*"}})", ctx));
  CHECK(Eval(R"({"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/db-team"}})", ctx));
  CHECK(Eval(R"({"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/*"}})", ctx));
  CHECK_FALSE(Eval(R"({"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::444455556666:role/*"}})", ctx));
  CHECK(Eval(R"({"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::444455556666:role/*"}})", ctx));
  CHECK_FALSE(Eval(R"({"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/db-team"}})", ctx));
}

TEST_CASE("set operators on multi-valued keys") {
  RequestContext ctx;
  ctx.SetList("kms:EncryptionContextKeys", {"aws:dynamodb:tableName", "aws:dynamodb:subscriberId"});
  const char* both = R"(["aws:dynamodb:tableName","aws:dynamodb:subscriberId"])";
  CHECK(Eval(std::string(R"({"ForAllValues:StringEquals":{"kms:EncryptionContextKeys":)") + both + "}}", ctx));
  CHECK_FALSE(Eval(R"({"ForAllValues:StringEquals":{"kms:EncryptionContextKeys":"aws:dynamodb:tableName"}})", ctx));
  CHECK(Eval(R"({"ForAnyValue:StringEquals":{"kms:EncryptionContextKeys":"aws:dynamodb:tableName"}})", ctx));
  CHECK_FALSE(Eval(R"({"ForAnyValue:StringEquals":{"kms:EncryptionContextKeys":"other"}})", ctx));
  CHECK(Eval(R"({"ForAnyValue:StringLike":{"kms:EncryptionContextKeys":"aws:dynamodb:*"}})", ctx));
  CHECK(Eval(R"({"ForAllValues:StringLike":{"kms:EncryptionContextKeys":"aws:dynamodb:*"}})", ctx));
  // Negated with set operators: ForAnyValue = some value matches none; ForAllValues = every value matches none.
  CHECK(Eval(R"({"ForAnyValue:StringNotEquals":{"kms:EncryptionContextKeys":"aws:dynamodb:tableName"}})", ctx));
  CHECK_FALSE(Eval(R"({"ForAllValues:StringNotEquals":{"kms:EncryptionContextKeys":"aws:dynamodb:tableName"}})", ctx));
  CHECK(Eval(R"({"ForAllValues:StringNotLike":{"kms:EncryptionContextKeys":"secret*"}})", ctx));
  // Absent or empty key: ForAnyValue false, ForAllValues true (the dangerous case).
  RequestContext empty;
  CHECK_FALSE(Eval(R"({"ForAnyValue:StringEquals":{"kms:EncryptionContextKeys":"x"}})", empty));
  CHECK(Eval(R"({"ForAllValues:StringEquals":{"kms:EncryptionContextKeys":"x"}})", empty));
  CHECK(Eval(R"({"ForAnyValue:StringEqualsIfExists":{"kms:EncryptionContextKeys":"x"}})", empty));
  // A single-valued key behaves as a one-element set.
  CHECK(Eval(R"({"ForAllValues:StringEquals":{"kms:CallerAccount":["111122223333","2"]}})",
             With("kms:CallerAccount", "111122223333")));
  // A multi-valued key without a set operator reads as ForAnyValue, with a diagnostic.
  std::vector<std::string> diagnostics;
  CHECK(Eval(R"({"StringEquals":{"kms:EncryptionContextKeys":"aws:dynamodb:subscriberId"}})", ctx, &diagnostics));
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].find("read as ForAnyValue") != std::string::npos);
}

TEST_CASE("condition key names are case-insensitive, encryption context suffix included") {
  RequestContext ctx = With("kms:EncryptionContext:appname", "ExampleApp");
  CHECK(Eval(R"({"StringEquals":{"kms:EncryptionContext:AppName":"ExampleApp"}})", ctx));
  CHECK_FALSE(Eval(R"({"StringEquals":{"kms:EncryptionContext:AppName":"exampleapp"}})", ctx));
  CHECK(Eval(R"({"StringEquals":{"KMS:ENCRYPTIONCONTEXT:APPNAME":"ExampleApp"}})", ctx));
}

TEST_CASE("policy variables in condition values") {
  RequestContext ctx = With("aws:username", "alice");
  ctx.Set("kms:EncryptionContext:user", "alice");
  ctx.Set("kms:EncryptionContext:path", "home/alice/docs");
  CHECK(Eval(R"({"StringEquals":{"kms:EncryptionContext:user":"${aws:username}"}})", ctx));
  CHECK(Eval(R"({"StringLike":{"kms:EncryptionContext:path":"home/${aws:username}/*"}})", ctx));
  CHECK_FALSE(Eval(R"({"StringLike":{"kms:EncryptionContext:path":"home/${aws:userid}/*"}})", ctx));
  CHECK(Eval(R"({"StringEquals":{"kms:EncryptionContext:user":"${aws:PrincipalTag/nick, 'alice'}"}})", ctx));
  // Version 2008-10-17: the text is literal.
  CHECK_FALSE(Eval(R"({"StringEquals":{"kms:EncryptionContext:user":"${aws:username}"}})", ctx, nullptr, nullptr,
                   false, "2008-10-17"));
  CHECK(Eval(R"({"StringEquals":{"kms:EncryptionContext:user":"${aws:username}"}})",
             With("kms:EncryptionContext:user", "${aws:username}"), nullptr, nullptr, false, "2008-10-17"));
  // Unresolved: positive operators fail, negated ones match; a diagnostic names the variable.
  RequestContext other = With("kms:EncryptionContext:user", "bob");
  std::vector<std::string> diagnostics;
  CHECK_FALSE(Eval(R"({"StringEquals":{"kms:EncryptionContext:user":"${aws:username}"}})", other, &diagnostics));
  CHECK(Eval(R"({"StringNotEquals":{"kms:EncryptionContext:user":"${aws:username}"}})", other));
  REQUIRE_FALSE(diagnostics.empty());
  CHECK(diagnostics[0].find("${aws:username} has no value") != std::string::npos);
  // Escapes: a literal star.
  CHECK(Eval(R"({"StringLike":{"kms:EncryptionContext:user":"a${*}"}})", With("kms:EncryptionContext:user", "a*")));
  CHECK_FALSE(Eval(R"({"StringLike":{"kms:EncryptionContext:user":"a${*}"}})", With("kms:EncryptionContext:user", "ab")));
}

TEST_CASE("IAM-only keys read as absent in key policies") {
  RequestContext ctx = With("aws:ResourceTag/team", "db");
  std::vector<std::string> diagnostics;
  CHECK(Eval(R"({"StringEquals":{"aws:ResourceTag/team":"db"}})", ctx, &diagnostics));
  CHECK_FALSE(Eval(R"({"StringEquals":{"aws:ResourceTag/team":"db"}})", ctx, &diagnostics, nullptr, true));
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].find("honoured in IAM policies only") != std::string::npos);
}

TEST_CASE("failure detail names operator, key, policy values and request values") {
  std::string detail;
  CHECK_FALSE(Eval(R"({"StringLike":{"kms:ViaService":"dynamodb.*.amazonaws.com"}})", RequestContext{}, nullptr,
                   &detail));
  CHECK(detail == "StringLike kms:ViaService [\"dynamodb.*.amazonaws.com\"]; request: absent");
  CHECK_FALSE(Eval(R"({"StringEquals":{"kms:CallerAccount":"1"}})", With("kms:CallerAccount", "2"), nullptr, &detail));
  CHECK(detail == "StringEquals kms:CallerAccount [\"1\"]; request: [\"2\"]");
}

TEST_CASE("failure detail shows what the clause's policy variables resolved to") {
  std::string detail;
  RequestContext ctx = With("aws:userid", "AIDAME");
  ctx.SetList("dynamodb:LeadingKeys", {"AIDAME", "AIDAOTHER"});
  CHECK_FALSE(Eval(R"({"ForAllValues:StringEquals":{"dynamodb:LeadingKeys":["${aws:userid}","fixed"]}})", ctx,
                   nullptr, &detail));
  CHECK(detail == "ForAllValues:StringEquals dynamodb:LeadingKeys [\"${aws:userid}\", \"fixed\"] (variables "
                  "resolve to [\"AIDAME\", \"fixed\"]); request: [\"AIDAME\", \"AIDAOTHER\"]");
  CHECK_FALSE(Eval(R"({"StringEquals":{"dynamodb:Select":"${aws:username}"}})", With("dynamodb:Select", "COUNT"),
                   nullptr, &detail));
  CHECK(detail == "StringEquals dynamodb:Select [\"${aws:username}\"] (variables resolve to "
                  "[\"${aws:username}\"]); request: [\"COUNT\"]");
}

}  // namespace
}  // namespace kmslab::policy
