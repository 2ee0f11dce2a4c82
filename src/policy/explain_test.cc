#include <doctest/doctest.h>

#include "policy/policy.h"
#include "policy/test_policies.h"

namespace kmslab::policy {
namespace {

using testing::IdentityPolicy;
using testing::KeyPolicy;
using testing::RequestBy;

bool Has(const std::string& text, std::string_view part) {
  INFO(text);
  return text.find(part) != std::string::npos;
}

TEST_CASE("explain a no-resource denial: names the failing condition") {
  NamedPolicy kp = KeyPolicy(testing::kDynamoDbCmkPolicy);
  EvalRequest r = RequestBy("arn:aws:iam::111122223333:user/db-lead", "kms:Decrypt", &kp);
  Decision d = Authorize(r);
  std::string text = Explain(r, d);
  CHECK(Has(text, "Decision: ImplicitDeny (no-resource)\n"));
  CHECK(Has(text, "Caller: arn:aws:iam::111122223333:user/db-lead (IAMUser, account 111122223333)"));
  CHECK(Has(text, "same account"));
  CHECK(Has(text, "Message: User: arn:aws:iam::111122223333:user/db-lead is not authorized"));
  CHECK(Has(text, "Why: no key-policy statement allows the caller"));
  CHECK(Has(text, "key-policy statement 0 \"Allow access through Amazon DynamoDB"));
  CHECK(Has(text, "(Allow): no match: Condition StringLike kms:ViaService [\"dynamodb.*.amazonaws.com\"]; request: absent"));
  CHECK(Has(text, "key-policy statement 1 \"Allow administrators to view the KMS key and revoke grants\" (Allow): no "
                  "match: Principal does not name arn:aws:iam::111122223333:user/db-lead"));
  CHECK(text.back() == '\n');
}

TEST_CASE("explain names the conditions that held in a statement that applies") {
  EvalRequest r = RequestBy("arn:aws:iam::111122223333:user/app", "dynamodb:PutItem", nullptr);
  r.identity_policies.push_back(IdentityPolicy("user/app:inline:writes", R"({"Statement":[
      {"Effect":"Allow","Action":"dynamodb:*","Resource":"*"},
      {"Sid":"NoOldItems","Effect":"Deny","Action":"dynamodb:PutItem","Resource":"*",
       "Condition":{"StringEquals":{"dynamodb:ReturnValues":"ALL_OLD"},"Null":{"dynamodb:Select":"true"}}}]})"));
  r.context.Set("dynamodb:ReturnValues", "ALL_OLD");
  std::string text = Explain(r, Authorize(r));
  CHECK(Has(text, "Decision: ExplicitDeny (explicit-identity)\n"));
  CHECK(Has(text, "user/app:inline:writes statement 0 (Allow): applies\n"));
  CHECK(Has(text, "user/app:inline:writes statement 1 \"NoOldItems\" (Deny): applies; Condition holds: StringEquals "
                  "dynamodb:ReturnValues [\"ALL_OLD\"]; request: [\"ALL_OLD\"], and Null dynamodb:Select [\"true\"]; "
                  "request: absent\n"));
}

TEST_CASE("explain an allow, a no-identity denial, an explicit deny, a grant and eligibility") {
  NamedPolicy kp = KeyPolicy(testing::kDefaultKeyPolicy);
  EvalRequest r = RequestBy("arn:aws:iam::111122223333:user/app", "kms:Encrypt", &kp);
  std::string text = Explain(r, Authorize(r));
  CHECK(Has(text, "(no-identity)"));
  CHECK(Has(text, "the key policy delegates to the account (arn:aws:iam::111122223333:root)"));
  CHECK(Has(text, "applies through the account principal"));

  r.identity_policies.push_back(IdentityPolicy("user/app:inline:use", R"({"Statement":[{"Sid":"Use","Effect":"Allow","Action":"kms:Encrypt","Resource":"*"}]})"));
  text = Explain(r, Authorize(r));
  CHECK(Has(text, "Decision: Allow\n"));
  CHECK(Has(text, "Determining:\n  - key-policy statement 0 \"Enable IAM User Permissions\"\n  - user/app:inline:use statement 0 \"Use\"\n"));
  CHECK_FALSE(Has(text, "Message:"));

  r.identity_policies.push_back(IdentityPolicy("user/app:inline:deny", R"({"Statement":[{"Effect":"Deny","Action":"kms:*","Resource":"*"}]})"));
  text = Explain(r, Authorize(r));
  CHECK(Has(text, "(explicit-identity)"));
  CHECK(Has(text, "user/app:inline:deny statement 0 (Deny): applies"));

  EvalRequest g = RequestBy("arn:aws:iam::111122223333:user/app", "kms:Decrypt", &kp);
  g.grants.push_back(Grant{.grant_id = "g-1", .name = "n1", .grantee_principal = "arn:aws:iam::111122223333:user/app",
                           .operations = {"Encrypt"}});
  text = Explain(g, Authorize(g));
  CHECK(Has(text, "grant g-1 (#0) \"n1\": no match: Operations operations [Encrypt] lack Decrypt"));
  g.action = "kms:Encrypt";
  text = Explain(g, Authorize(g));
  CHECK(Has(text, "Determining:\n  - grant g-1 (#0) \"n1\"\n"));

  EvalRequest x = RequestBy("arn:aws:iam::444455556666:user/partner-admin", "kms:PutKeyPolicy", &kp);
  text = Explain(x, Authorize(x));
  CHECK(Has(text, "cross-account"));
  CHECK(Has(text, "kms:PutKeyPolicy is never allowed on a key in another account"));
  CHECK(Has(text, "Diagnostics:"));
}

TEST_CASE("explain uses the decision's own trace when present") {
  NamedPolicy kp = KeyPolicy(testing::kDefaultKeyPolicy);
  EvalRequest r = RequestBy("arn:aws:iam::111122223333:root", "kms:Decrypt", &kp);
  r.want_trace = true;
  Decision d = Authorize(r);
  REQUIRE_FALSE(d.trace.empty());
  std::string text = Explain(r, d);
  CHECK(Has(text, "implicit IAM permissions"));
}

}  // namespace
}  // namespace kmslab::policy
