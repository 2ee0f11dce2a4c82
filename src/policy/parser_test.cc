#include <doctest/doctest.h>

#include "core/strings.h"
#include "policy/document.h"
#include "policy/policy.h"
#include "policy/test_policies.h"

namespace kmslab::policy {
namespace {

using testing::MustParse;

std::string ErrorOf(std::string_view json, PolicyKind kind = PolicyKind::kKeyPolicy) {
  auto parsed = ParsePolicy(json, kind);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.status().code() == core::Code::kInvalidArgument);
  return parsed.status().message();
}

bool Contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

std::string KeyStatement(std::string_view body) {
  return R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"kms:*","Resource":"*",)" +
         std::string(body) + "}}";
}

TEST_CASE("the seed key policies parse") {
  auto cmk = MustParse(testing::kDynamoDbCmkPolicy);
  CHECK(cmk->id() == "key-policy-dynamodb");
  CHECK(cmk->variables_enabled());
  REQUIRE(cmk->statements().size() == 2);
  const Statement& first = cmk->statements()[0];
  CHECK(first.allow);
  CHECK(first.principal.entries.at(0).kind == PrincipalEntry::Kind::kUser);
  CHECK(first.action.patterns.size() == 6);
  CHECK(first.resource.any);
  REQUIRE(first.conditions.size() == 1);
  CHECK(first.conditions[0].key == "kms:viaservice");
  CHECK(first.conditions[0].key_written == "kms:ViaService");
  CHECK(cmk->statements()[1].principal.entries.at(0).kind == PrincipalEntry::Kind::kRole);

  auto managed = MustParse(testing::kDynamoDbManagedPolicy);
  REQUIRE(managed->statements().size() == 3);
  CHECK(managed->statements()[0].principal.entries.at(0).kind == PrincipalEntry::Kind::kAny);
  CHECK(managed->statements()[0].conditions.size() == 2);
  CHECK(managed->statements()[1].principal.entries.at(0).kind == PrincipalEntry::Kind::kAccount);
  CHECK(managed->statements()[1].principal.entries.at(0).account == "111122223333");
  CHECK(managed->statements()[2].principal.entries.at(0).kind == PrincipalEntry::Kind::kService);
  CHECK(MustParse(testing::kDefaultKeyPolicy)->statements()[0].sid == "Enable IAM User Permissions");
}

TEST_CASE("Statement may be one object; every element may be a string or an array") {
  auto p = MustParse(
      R"({"Statement":{"Effect":"Deny","Principal":"*","NotAction":["kms:Decrypt"],"NotResource":"arn:aws:kms:*:*:key/x"}})");
  REQUIRE(p->statements().size() == 1);
  CHECK_FALSE(p->statements()[0].allow);
  CHECK(p->statements()[0].action.negated);
  CHECK(p->statements()[0].resource.negated);
  CHECK(p->version().empty());
  CHECK_FALSE(p->variables_enabled());
}

TEST_CASE("principal forms") {
  auto p = MustParse(R"({"Statement":{"Effect":"Allow","Action":"kms:*","Resource":"*","Principal":{
      "AWS":["111122223333","arn:aws:iam::111122223333:root","arn:aws:iam::111122223333:user/path/u",
             "arn:aws:iam::111122223333:role/r","arn:aws:sts::111122223333:assumed-role/r/s",
             "arn:aws:sts::111122223333:federated-user/f","AIDACKCEVSQ6C2EXAMPLE","*"],
      "Service":"dynamodb.amazonaws.com","Federated":"cognito-identity.amazonaws.com"}}})");
  using K = PrincipalEntry::Kind;
  const auto& e = p->statements()[0].principal.entries;
  REQUIRE(e.size() == 10);
  K want[] = {K::kAccount,       K::kAccount,     K::kUser, K::kRole,    K::kSession,
              K::kFederatedUser, K::kUnmatchable, K::kAny,  K::kService, K::kUnmatchable};
  for (size_t i = 0; i < e.size(); ++i) {
    CAPTURE(i);
    CHECK(e[i].kind == want[i]);
  }
  CHECK(e[1].value == "111122223333");
}

TEST_CASE("statements without Action or Resource are accepted and flagged") {
  auto p = MustParse(R"({"Statement":[{"Effect":"Allow","Principal":"*","Resource":"*"},
                                     {"Effect":"Allow","Principal":"*","Action":"kms:*"}]})");
  REQUIRE(p->warnings().size() == 2);
  CHECK(Contains(p->warnings()[0], "Statement[0]: no Action"));
  CHECK(Contains(p->warnings()[1], "Statement[1]: no Resource"));
}

TEST_CASE("condition values: strings, numbers, booleans, arrays") {
  auto p = MustParse(KeyStatement(R"("Condition":{"NumericLessThan":{"kms:ScheduleKeyDeletionPendingWindowInDays":10},
      "Bool":{"aws:SecureTransport":true},"StringEquals":{"kms:CallerAccount":[111122223333,"444455556666"]}})"));
  const auto& c = p->statements()[0].conditions;
  REQUIRE(c.size() == 3);
  CHECK(c[0].values[0].number == 10);
  CHECK(c[1].values[0].flag);
  CHECK(c[2].values[0].text.plain() == "111122223333");
  CHECK(c[2].values[1].text.plain() == "444455556666");
}

TEST_CASE("deeply nested input is rejected without recursion") {
  std::string deep =
      R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"StringEquals":{"kms:X":)" +
      std::string(200000, '[') + std::string(200000, ']') + "}}}]}";
  CHECK(Contains(ErrorOf(deep, PolicyKind::kIdentityPolicy),
                 "Policy is not valid JSON: JSON nests arrays and objects deeper than 128 levels"));
  std::string shallow =
      R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"StringEquals":{"kms:X":)" +
      std::string(20, '[') + std::string(20, ']') + "}}}]}";
  CHECK(Contains(ErrorOf(shallow, PolicyKind::kIdentityPolicy), "values must be strings, numbers or booleans"));
}

TEST_CASE("document-level errors") {
  CHECK(Contains(ErrorOf("{"), "Policy is not valid JSON"));
  CHECK(Contains(ErrorOf("[]"), "Policy must be a JSON object"));
  CHECK(Contains(ErrorOf(R"({"Version":"2012-10-17"})"), "Missing required element Statement"));
  CHECK(Contains(ErrorOf(R"({"Version":"2019-01-01","Statement":[]})"), "Version must be"));
  CHECK(Contains(ErrorOf(R"({"Statement":[],"Foo":1})"), "Unknown top-level element \"Foo\""));
  CHECK(Contains(ErrorOf(R"({"Statement":"x"})"), "Statement must be an object or an array"));
  CHECK(Contains(ErrorOf(R"({"Statement":[],"Statement":[]})"), "duplicate element \"Statement\""));
  CHECK(Contains(ErrorOf(R"({"Id":5,"Statement":[]})"), "Id must be a string"));
}

TEST_CASE("statement-level errors") {
  CHECK(Contains(ErrorOf(R"({"Statement":[{"Principal":"*","Action":"kms:*","Resource":"*"}]})"),
                 "Statement[0]: Missing required element Effect"));
  CHECK(Contains(ErrorOf(R"({"Statement":[{"Effect":"allow","Principal":"*","Action":"kms:*","Resource":"*"}]})"),
                 "Effect must be \"Allow\" or \"Deny\""));
  CHECK(Contains(ErrorOf(R"({"Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]})"),
                 "Missing required element Principal"));
  CHECK(Contains(ErrorOf(R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}]})",
                         PolicyKind::kIdentityPolicy),
                 "Has prohibited field Principal"));
  CHECK(Contains(
      ErrorOf(
          R"({"Statement":[{"Effect":"Allow","Principal":"*","NotPrincipal":"*","Action":"kms:*","Resource":"*"}]})"),
      "Principal and NotPrincipal cannot appear together"));
  CHECK(Contains(
      ErrorOf(
          R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","NotAction":"kms:x","Resource":"*"}]})"),
      "Action and NotAction cannot appear together"));
  CHECK(Contains(
      ErrorOf(R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","NotResource":"*"}]})"),
      "Resource and NotResource cannot appear together"));
  CHECK(Contains(ErrorOf(R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"Decrypt","Resource":"*"}]})"),
                 "Actions/Conditions must be prefaced by a vendor"));
  CHECK(Contains(ErrorOf(R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":[],"Resource":"*"}]})"),
                 "Action must not be an empty array"));
  CHECK(Contains(ErrorOf(R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"key/x"}]})"),
                 "Resource key/x must be in ARN format or \"*\"."));
  CHECK(Contains(
      ErrorOf(R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Colour":"red"}]})"),
      "Unknown element \"Colour\""));
  CHECK(Contains(ErrorOf(R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":[1],"Resource":"*"}]})"),
                 "must be a string or an array of strings"));
  CHECK(Contains(ErrorOf(R"({"Statement":[7]})"), "a statement must be an object"));
}

TEST_CASE("Sid rules differ between key policies and identity policies") {
  const char* spaced =
      R"({"Statement":[{"Sid":"Allow use of the key","Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}]})";
  MustParse(spaced);
  const char* identity = R"({"Statement":[{"Sid":"Allow use","Effect":"Allow","Action":"kms:*","Resource":"*"}]})";
  CHECK(Contains(ErrorOf(identity, PolicyKind::kIdentityPolicy), "Statement IDs (SID) must be alpha-numeric"));
  const char* dup = R"({"Statement":[{"Sid":"A","Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"},
                                     {"Sid":"A","Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*"}]})";
  CHECK(Contains(ErrorOf(dup), "Statement IDs (SID) in a single policy must be unique"));
  CHECK(ParsePolicy(dup, PolicyKind::kKeyPolicy, SidRule::kMayRepeat).ok());
}

TEST_CASE("principal errors") {
  auto principal = [](std::string_view p) {
    return R"({"Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*","Principal":)" + std::string(p) + "}]}";
  };
  CHECK(Contains(ErrorOf(principal(R"({"AWS":"arn:aws:iam::111122223333:user/*"})")), "wildcards are not allowed"));
  CHECK(Contains(ErrorOf(principal(R"({"AWS":"arn:aws:iam::111122223333:group/admins"})")), "Invalid principal"));
  CHECK(Contains(ErrorOf(principal(R"({"AWS":"bob"})")), "Invalid principal \"bob\""));
  CHECK(Contains(ErrorOf(principal(R"({"AWS":"arn:aws:iam::1111:root"})")), "Invalid principal"));
  CHECK(Contains(ErrorOf(principal(R"({"Robot":"x"})")), "Unknown principal type \"Robot\""));
  CHECK(Contains(ErrorOf(principal(R"({"Service":"*"})")), "Invalid service principal"));
  CHECK(Contains(ErrorOf(principal(R"("arn:aws:iam::111122223333:root")")), "must be \"*\" or an object"));
  CHECK(Contains(ErrorOf(principal("{}")), "non-empty object"));
}

TEST_CASE("condition errors") {
  CHECK(Contains(ErrorOf(KeyStatement(R"("Condition":{"StringEqualz":{"kms:CallerAccount":"1"}})")),
                 "Invalid condition operator \"StringEqualz\""));
  CHECK(Contains(ErrorOf(KeyStatement(R"("Condition":{"NullIfExists":{"kms:ViaService":"true"}})")),
                 "Invalid condition operator \"NullIfExists\""));
  CHECK(Contains(ErrorOf(KeyStatement(R"("Condition":{"NumericLessThan":{"kms:X":"ten"}})")), "is not a number"));
  CHECK(Contains(ErrorOf(KeyStatement(R"("Condition":{"NumericLessThan":{"kms:X":"${aws:username}"}})")),
                 "is not a number"));
  CHECK(Contains(ErrorOf(KeyStatement(R"("Condition":{"DateLessThan":{"aws:CurrentTime":"soon"}})")),
                 "is not an ISO 8601 date"));
  CHECK(Contains(ErrorOf(KeyStatement(R"("Condition":{"Bool":{"aws:SecureTransport":"yes"}})")),
                 "is not \"true\" or \"false\""));
  CHECK(Contains(ErrorOf(KeyStatement(R"("Condition":{"Null":{"kms:ViaService":"maybe"}})")),
                 "is not \"true\" or \"false\""));
  CHECK(Contains(ErrorOf(KeyStatement(R"("Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/40"}})")),
                 "is not an IPv4 or IPv6 address"));
  CHECK(Contains(ErrorOf(KeyStatement(R"("Condition":{"BinaryEquals":{"kms:X":"not base64!"}})")), "is not base64"));
  CHECK(Contains(ErrorOf(KeyStatement(R"("Condition":{"StringEquals":{"ViaService":"x"}})")), "prefaced by a vendor"));
  CHECK(Contains(ErrorOf(KeyStatement(R"("Condition":{"StringEquals":{"kms:X":{"a":1}}})")),
                 "values must be strings, numbers or booleans"));
  CHECK(Contains(ErrorOf(KeyStatement(R"("Condition":{"StringEquals":"x"})")), "non-empty object"));
  CHECK(Contains(ErrorOf(KeyStatement(R"("Condition":[1])")), "Condition must be an object"));
}

TEST_CASE("OverlyPermissiveCondition: ForAllValues on encryption context or request tags") {
  std::string msg =
      ErrorOf(KeyStatement(R"("Condition":{"ForAllValues:StringEquals":{"kms:EncryptionContext:app":"x"}})"));
  CHECK(msg.rfind("OverlyPermissiveCondition: Using the ForAllValues set operator with a single-valued condition key "
                  "matches requests without the specified encryption context or with an unspecified encryption "
                  "context. To fix, remove ForAllValues.",
                  0) == 0);
  msg = ErrorOf(R"({"Statement":[{"Effect":"Allow","Action":"kms:CreateKey","Resource":"*","Condition":
      {"ForAllValues:StringLike":{"aws:RequestTag/team":"*"}}}]})",
                PolicyKind::kIdentityPolicy);
  CHECK(msg.rfind("OverlyPermissiveCondition:", 0) == 0);
  CHECK(Contains(msg, "specified tag"));
  // kms:EncryptionContextKeys is multi-valued: ForAllValues is the right tool there.
  MustParse(KeyStatement(R"("Condition":{"ForAllValues:StringEquals":{"kms:EncryptionContextKeys":["a","b"]}})"));
  // With other problems, the OverlyPermissiveCondition line still comes first.
  msg = ErrorOf(R"({"Statement":[{"Effect":"Maybe","Principal":"*","Action":"kms:*","Resource":"*","Condition":
      {"ForAllValues:StringEquals":{"kms:EncryptionContext:app":"x"}}}]})");
  CHECK(msg.rfind("OverlyPermissiveCondition:", 0) == 0);
}

TEST_CASE("every problem is listed, one per line") {
  std::string msg = ErrorOf(R"({"Version":"1","Statement":[
      {"Effect":"Allow","Action":"Decrypt","Resource":"key"},
      {"Effect":"Deny","Principal":{"AWS":"nobody"},"Action":"kms:*","Resource":"*"}]})");
  std::vector<std::string> lines = core::Split(msg, '\n');
  CHECK(lines.size() == 5);
  CHECK(Contains(msg, "Version must be"));
  CHECK(Contains(msg, "Statement[0]: Action \"Decrypt\""));
  CHECK(Contains(msg, "Statement[0]: Resource key"));
  CHECK(Contains(msg, "Statement[0]: Missing required element Principal"));
  CHECK(Contains(msg, "Statement[1]: Invalid principal \"nobody\""));
}

TEST_CASE("key policy size and character limits") {
  std::string sid(33000, 'a');
  std::string big =
      R"({"Statement":[{"Sid":")" + sid + R"(","Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}]})";
  CHECK(Contains(ErrorOf(big), "the limit is 32768"));
  std::string big_identity =
      R"({"Statement":[{"Sid":")" + sid + R"(","Effect":"Allow","Action":"kms:*","Resource":"*"}]})";
  MustParse(big_identity, PolicyKind::kIdentityPolicy);
  MustParse(
      "{\"Statement\":[{\"Sid\":\"caf\xc3\xa9\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:*\","
      "\"Resource\":\"*\"}]}");
  CHECK(Contains(ErrorOf("{\"Statement\":[{\"Sid\":\"\xe2\x82\xac\",\"Effect\":\"Allow\",\"Principal\":\"*\","
                         "\"Action\":\"kms:*\",\"Resource\":\"*\"}]}"),
                 "outside tab, LF, CR, printable ASCII and Latin-1"));
}

}  // namespace
}  // namespace kmslab::policy
