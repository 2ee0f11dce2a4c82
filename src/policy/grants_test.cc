#include "policy/grants.h"

#include <doctest/doctest.h>

#include "policy/actions.h"

namespace kmslab::policy {
namespace {

TEST_CASE("grant operation names from actions") {
  CHECK(GrantOperationFor("kms:Decrypt") == "Decrypt");
  CHECK(GrantOperationFor("kms:reencryptfrom") == "ReEncryptFrom");
  CHECK(GrantOperationFor("kms:GenerateDataKeyWithoutPlaintext") == "GenerateDataKeyWithoutPlaintext");
  CHECK(GrantOperationFor("kms:ListGrants").empty());
  CHECK(GrantOperationFor("kms:RevokeGrant").empty());
  CHECK(GrantOperationFor("kms:PutKeyPolicy").empty());
  CHECK(GrantOperationFor("kms:ReEncrypt").empty());
  CHECK(GrantOperationFor("dynamodb:Decrypt").empty());
  CHECK(IsCrossAccountEligible("kms:Decrypt"));
  CHECK(IsCrossAccountEligible("kms:ListGrants"));
  CHECK(IsCrossAccountEligible("kms:RevokeGrant"));
  CHECK(IsCrossAccountEligible("kms:GetKeyRotationStatus"));
  CHECK_FALSE(IsCrossAccountEligible("kms:PutKeyPolicy"));
  CHECK_FALSE(IsCrossAccountEligible("kms:GetKeyPolicy"));
  CHECK_FALSE(IsCrossAccountEligible("kms:ScheduleKeyDeletion"));
  CHECK_FALSE(IsCrossAccountEligible("kms:CreateAlias"));
}

TEST_CASE("EncryptionContextSubset and Equals: keys case-insensitive, values exact") {
  Grant subset;
  subset.context_subset = {{"aws:dynamodb:tableName", "Books"}, {"aws:dynamodb:subscriberId", "111122223333"}};
  std::map<std::string, std::string> ctx = {{"aws:dynamodb:tableName", "Books"},
                                            {"aws:dynamodb:subscriberId", "111122223333"}};
  CHECK(GrantConstraintsHold(subset, ctx, nullptr));
  ctx["extra"] = "ok";
  CHECK(GrantConstraintsHold(subset, ctx, nullptr));
  std::map<std::string, std::string> upper = {{"AWS:DYNAMODB:TABLENAME", "Books"},
                                              {"aws:dynamodb:subscriberid", "111122223333"}};
  CHECK(GrantConstraintsHold(subset, upper, nullptr));
  std::map<std::string, std::string> wrong_case_value = {{"aws:dynamodb:tableName", "books"},
                                                         {"aws:dynamodb:subscriberId", "111122223333"}};
  std::string detail;
  CHECK_FALSE(GrantConstraintsHold(subset, wrong_case_value, &detail));
  CHECK(detail.find("\"books\"") != std::string::npos);
  CHECK_FALSE(GrantConstraintsHold(subset, {}, &detail));
  CHECK(detail.find("no such key") != std::string::npos);

  Grant equals;
  equals.context_equals = {{"purpose", "test"}};
  CHECK(GrantConstraintsHold(equals, {{"Purpose", "test"}}, nullptr));
  CHECK_FALSE(GrantConstraintsHold(equals, {{"purpose", "test"}, {"more", "x"}}, &detail));
  CHECK(detail.find("extra pair") != std::string::npos);
  CHECK_FALSE(GrantConstraintsHold(equals, {}, nullptr));
  CHECK(GrantConstraintsHold(Grant{}, {}, nullptr));
}

TEST_CASE("CheckGrant: grantee, operation, constraints, DescribeKey ignores constraints") {
  Grant g;
  g.grant_id = "g1";
  g.grantee_principal = "arn:aws:iam::111122223333:role/app";
  g.operations = {"Decrypt", "DescribeKey"};
  g.context_subset = {{"k", "v"}};
  EvalRequest r;
  r.principal = PrincipalFromArn("arn:aws:sts::111122223333:assumed-role/app/s");
  r.action = "kms:Decrypt";
  r.encryption_context = {{"k", "v"}};
  CHECK(CheckGrant(g, "Decrypt", r).usable);
  r.encryption_context.clear();
  GrantCheck check = CheckGrant(g, "Decrypt", r);
  CHECK_FALSE(check.usable);
  CHECK(check.failed_element == "Constraints");
  CHECK(CheckGrant(g, "DescribeKey", r).usable);
  check = CheckGrant(g, "Encrypt", r);
  CHECK(check.failed_element == "Operations");
  check = CheckGrant(g, "", r);
  CHECK(check.failed_element == "Operations");
  r.principal = PrincipalFromArn("arn:aws:iam::111122223333:user/other");
  CHECK(CheckGrant(g, "DescribeKey", r).failed_element == "Grantee");
}

TEST_CASE("CreateGrant from a grant: operations subset, constraints at least as strict") {
  Grant parent;
  parent.grantee_principal = "arn:aws:iam::111122223333:user/u";
  parent.operations = {"CreateGrant", "Decrypt"};
  parent.context_subset = {{"k", "v"}};
  EvalRequest r;
  r.principal = PrincipalFromArn("arn:aws:iam::111122223333:user/u");
  r.action = "kms:CreateGrant";
  r.context.SetList("kms:GrantOperations", {"Decrypt"});
  r.context.Set("kms:GrantConstraintType", "EncryptionContextSubset");
  r.encryption_context = {{"k", "v"}, {"k2", "v2"}};
  CHECK(CheckGrant(parent, "CreateGrant", r).usable);
  r.context.SetList("kms:GrantOperations", {"Decrypt", "Encrypt"});
  CHECK_FALSE(CheckGrant(parent, "CreateGrant", r).usable);
  r.context.SetList("kms:GrantOperations", {"Decrypt"});
  r.context.Erase("kms:GrantConstraintType");
  r.encryption_context.clear();
  CHECK_FALSE(CheckGrant(parent, "CreateGrant", r).usable);
  Grant strict = parent;
  strict.context_subset.clear();
  strict.context_equals = {{"k", "v"}};
  r.context.Set("kms:GrantConstraintType", "EncryptionContextSubset");
  r.encryption_context = {{"k", "v"}};
  CHECK_FALSE(CheckGrant(strict, "CreateGrant", r).usable);
  r.context.Set("kms:GrantConstraintType", "EncryptionContextEquals");
  CHECK(CheckGrant(strict, "CreateGrant", r).usable);
}

TEST_CASE("AccountOf") {
  CHECK(AccountOf("arn:aws:iam::111122223333:root") == "111122223333");
  CHECK(AccountOf("111122223333") == "111122223333");
  CHECK(AccountOf("arn:aws:iam::111122223333:user/x").empty());
}

}  // namespace
}  // namespace kmslab::policy
