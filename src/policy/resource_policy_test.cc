// EvalRequest::Rule::kResourcePolicy: IAM's rule for an optional resource-based
// policy (a DynamoDB table's) combined with identity policies.
#include <doctest/doctest.h>

#include "policy/policy.h"
#include "policy/test_policies.h"

namespace kmslab::policy {
namespace {

constexpr const char* kTable = "arn:aws:dynamodb:us-east-1:111122223333:table/Music";
constexpr const char* kApp = "arn:aws:iam::111122223333:user/app";
constexpr const char* kRoot = "arn:aws:iam::111122223333:root";
constexpr const char* kPartner = "arn:aws:iam::444455556666:user/partner-app";
constexpr const char* kPartnerRoot = "arn:aws:iam::444455556666:root";

const char* kGetItemAllowed = R"({"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"arn:aws:dynamodb:us-east-1:111122223333:table/Music"}]})";

NamedPolicy TablePolicy(std::string_view json) {
  return NamedPolicy{"resource-policy", testing::MustParse(json, PolicyKind::kResourcePolicy)};
}

std::string Allowing(std::string_view principal, std::string_view effect = "Allow") {
  return R"({"Version":"2012-10-17","Statement":[{"Sid":"Rule","Effect":")" + std::string(effect) +
         R"(","Principal":{"AWS":")" + std::string(principal) +
         R"("},"Action":"dynamodb:GetItem","Resource":"arn:aws:dynamodb:us-east-1:111122223333:table/Music"}]})";
}

EvalRequest GetItemBy(std::string_view caller, const NamedPolicy* table_policy,
                      std::vector<NamedPolicy> identity = {}) {
  EvalRequest r;
  r.rule = EvalRequest::Rule::kResourcePolicy;
  r.principal = PrincipalFromArn(caller);
  r.action = "dynamodb:GetItem";
  r.resource = kTable;
  r.resource_account = "111122223333";
  r.key_policy = table_policy;
  r.identity_policies = std::move(identity);
  return r;
}

TEST_CASE("same account: the resource policy naming the caller suffices") {
  NamedPolicy rp = TablePolicy(Allowing(kApp));
  Decision d = Authorize(GetItemBy(kApp, &rp));
  CHECK(d.allowed());
  REQUIRE(d.determining.size() == 1);
  CHECK(d.determining[0].source == "resource-policy");
}

TEST_CASE("same account: an identity policy suffices, with or without a resource policy") {
  NamedPolicy other = TablePolicy(Allowing("arn:aws:iam::111122223333:user/someone-else"));
  CHECK(Authorize(GetItemBy(kApp, nullptr, {testing::IdentityPolicy("user/app:inline:x", kGetItemAllowed)})).allowed());
  CHECK(Authorize(GetItemBy(kApp, &other, {testing::IdentityPolicy("user/app:inline:x", kGetItemAllowed)})).allowed());
}

TEST_CASE("same account: neither allows -> no-identity, with AWS's text") {
  NamedPolicy rp = TablePolicy(Allowing("arn:aws:iam::111122223333:user/someone-else"));
  EvalRequest r = GetItemBy(kApp, &rp);
  Decision d = Authorize(r);
  CHECK(d.effect == Effect::kImplicitDeny);
  CHECK(d.reason == kReasonNoIdentity);
  CHECK(AccessDeniedMessage(r, d) ==
        "User: arn:aws:iam::111122223333:user/app is not authorized to perform: dynamodb:GetItem on resource: "
        "arn:aws:dynamodb:us-east-1:111122223333:table/Music because no identity-based policy allows the "
        "dynamodb:GetItem action");
  CHECK(Explain(r, d).find("no statement of the resource-based policy allows it") != std::string::npos);
}

TEST_CASE("same account: the account principal only delegates to IAM") {
  NamedPolicy rp = TablePolicy(Allowing(kRoot));
  CHECK(Authorize(GetItemBy(kApp, &rp)).reason == kReasonNoIdentity);
  CHECK(Authorize(GetItemBy(kRoot, &rp)).allowed());  // the root has implicit IAM permissions
}

TEST_CASE("cross-account: both sides are needed") {
  const NamedPolicy id = testing::IdentityPolicy("user/partner-app:inline:x", kGetItemAllowed);
  NamedPolicy named = TablePolicy(Allowing(kPartner));
  NamedPolicy account = TablePolicy(Allowing(kPartnerRoot));

  EvalRequest none = GetItemBy(kPartner, nullptr, {id});
  Decision d = Authorize(none);
  CHECK(d.reason == kReasonNoResource);
  CHECK(AccessDeniedMessage(none, d).ends_with("because no resource-based policy allows the dynamodb:GetItem action"));
  CHECK(Explain(none, d).find("the resource has no resource-based policy") != std::string::npos);

  CHECK(Authorize(GetItemBy(kPartner, &named)).reason == kReasonNoIdentity);
  CHECK(Authorize(GetItemBy(kPartner, &account)).reason == kReasonNoIdentity);
  Decision both = Authorize(GetItemBy(kPartner, &named, {id}));
  CHECK(both.allowed());
  CHECK(both.determining.size() == 2);
  CHECK(Authorize(GetItemBy(kPartner, &account, {id})).allowed());
  CHECK(Authorize(GetItemBy(kPartnerRoot, &account)).allowed());
}

TEST_CASE("an explicit deny in the resource policy beats an identity allow") {
  NamedPolicy rp = TablePolicy(Allowing(kApp, "Deny"));
  EvalRequest r = GetItemBy(kApp, &rp, {testing::IdentityPolicy("user/app:inline:x", kGetItemAllowed)});
  Decision d = Authorize(r);
  CHECK(d.effect == Effect::kExplicitDeny);
  CHECK(d.reason == kReasonExplicitResource);
  CHECK(AccessDeniedMessage(r, d).ends_with("with an explicit deny in a resource-based policy"));
  const std::string text = Explain(r, d);
  CHECK(text.find("resource-policy statement 0 \"Rule\"") != std::string::npos);
  CHECK(text.find("an explicit Deny in the resource-based policy matches") != std::string::npos);
}

TEST_CASE("resource policies need a principal") {
  auto parsed = ParsePolicy(kGetItemAllowed, PolicyKind::kResourcePolicy);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.status().message().find("Missing required element Principal") != std::string::npos);
}

}  // namespace
}  // namespace kmslab::policy
