#include <doctest/doctest.h>

#include "policy/policy.h"
#include "policy/test_policies.h"

namespace kmslab::policy {
namespace {

using testing::IdentityPolicy;
using testing::KeyPolicy;
using testing::RequestBy;

// "User: <caller> is not authorized to perform: <action> on resource: <resource> <tail>", built with appends
// (GCC 12 warns falsely on chained operator+ here).
std::string Text(std::string_view caller, std::string_view action, std::string_view resource, std::string_view tail) {
  std::string out = "User: ";
  out.append(caller).append(" is not authorized to perform: ").append(action).append(" on resource: ");
  out.append(resource).append(" ").append(tail);
  return out;
}

TEST_CASE("AccessDenied texts, one per reason") {
  NamedPolicy kp = KeyPolicy(R"({"Statement":[
      {"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"kms:*","Resource":"*"},
      {"Effect":"Deny","Principal":"*","Action":"kms:ScheduleKeyDeletion","Resource":"*"}]})");
  const std::string_view key = testing::kKeyArn;

  EvalRequest none = RequestBy("arn:aws:iam::111122223333:user/app", "kms:Decrypt", &kp);
  CHECK(AccessDeniedMessage(none, Authorize(none)) ==
        Text("arn:aws:iam::111122223333:user/app", "kms:Decrypt", key,
             "because no identity-based policy allows the kms:Decrypt action"));

  NamedPolicy cmk = KeyPolicy(testing::kDynamoDbCmkPolicy);
  EvalRequest session = RequestBy("arn:aws:sts::111122223333:assumed-role/db-team/alice", "kms:Decrypt", &cmk);
  CHECK(AccessDeniedMessage(session, Authorize(session)) ==
        Text("arn:aws:sts::111122223333:assumed-role/db-team/alice", "kms:Decrypt", key,
             "because no resource-based policy allows the kms:Decrypt action"));

  EvalRequest deny = RequestBy("arn:aws:iam::111122223333:root", "kms:ScheduleKeyDeletion", &kp);
  CHECK(AccessDeniedMessage(deny, Authorize(deny)) ==
        Text("arn:aws:iam::111122223333:root", "kms:ScheduleKeyDeletion", key,
             "with an explicit deny in a resource-based policy"));

  EvalRequest iam = RequestBy("arn:aws:iam::111122223333:user/app", "kms:Encrypt", &kp);
  iam.identity_policies.push_back(
      IdentityPolicy("deny", R"({"Statement":[{"Effect":"Deny","Action":"kms:Encrypt","Resource":"*"}]})"));
  CHECK(AccessDeniedMessage(iam, Authorize(iam)) ==
        Text("arn:aws:iam::111122223333:user/app", "kms:Encrypt", key,
             "with an explicit deny in an identity-based policy"));

  EvalRequest create = RequestBy("arn:aws:iam::111122223333:user/app", "kms:CreateKey", nullptr);
  create.resource.assign(1, '*');
  CHECK(AccessDeniedMessage(create, Authorize(create)) ==
        "User: arn:aws:iam::111122223333:user/app is not authorized to perform: kms:CreateKey on resource: * because "
        "no identity-based policy allows the kms:CreateKey action");

  EvalRequest allowed = RequestBy("arn:aws:iam::111122223333:root", "kms:Decrypt", &kp);
  CHECK(AccessDeniedMessage(allowed, Authorize(allowed)).empty());
}

}  // namespace
}  // namespace kmslab::policy
