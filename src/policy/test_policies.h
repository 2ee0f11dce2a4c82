// Test support for the policy unit tests: the seed documents' policies and
// small builders. Test-only; not part of the library.
#ifndef KMSLAB_POLICY_TEST_POLICIES_H_
#define KMSLAB_POLICY_TEST_POLICIES_H_

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <string_view>

#include "policy/document.h"
#include "policy/policy.h"

namespace kmslab::policy::testing {

inline constexpr std::string_view kAccount = "111122223333";
inline constexpr std::string_view kPartnerAccount = "444455556666";
inline constexpr std::string_view kKeyArn =
    "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

// The customer managed key policy of the DynamoDB usage notes (db-lead + db-team).
inline constexpr std::string_view kDynamoDbCmkPolicy = R"({
  "Id": "key-policy-dynamodb",
  "Version":"2012-10-17",
  "Statement": [
    {
      "Sid" : "Allow access through Amazon DynamoDB for all principals in the account that are authorized to use Amazon DynamoDB",
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::111122223333:user/db-lead"},
      "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey", "kms:CreateGrant"],
      "Resource": "*",
      "Condition": {"StringLike": {"kms:ViaService" : "dynamodb.*.amazonaws.com"}}
    },
    {
      "Sid":  "Allow administrators to view the KMS key and revoke grants",
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::111122223333:role/db-team"},
      "Action": ["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"],
      "Resource": "*"
    }
  ]
})";

// The AWS managed key policy for DynamoDB (aws/dynamodb).
inline constexpr std::string_view kDynamoDbManagedPolicy = R"({
  "Version" : "2012-10-17",
  "Id" : "auto-dynamodb-1",
  "Statement" : [ {
    "Sid" : "Allow access through Amazon DynamoDB for all principals in the account that are authorized to use Amazon DynamoDB",
    "Effect" : "Allow",
    "Principal" : {"AWS" : "*"},
    "Action" : [ "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey" ],
    "Resource" : "*",
    "Condition" : {"StringEquals" : {"kms:CallerAccount" : "111122223333", "kms:ViaService" : "dynamodb.us-west-2.amazonaws.com"}}
  }, {
    "Sid" : "Allow direct access to key metadata to the account",
    "Effect" : "Allow",
    "Principal" : {"AWS" : "arn:aws:iam::111122223333:root"},
    "Action" : [ "kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant" ],
    "Resource" : "*"
  }, {
    "Sid" : "Allow DynamoDB Service with service principal name dynamodb.amazonaws.com to describe the key directly",
    "Effect" : "Allow",
    "Principal" : {"Service" : "dynamodb.amazonaws.com"},
    "Action" : [ "kms:Describe*", "kms:Get*", "kms:List*" ],
    "Resource" : "*"
  } ]
})";

// The programmatic default key policy: root delegation.
inline constexpr std::string_view kDefaultKeyPolicy = R"({
  "Version": "2012-10-17", "Id": "key-default-1",
  "Statement": [{"Sid": "Enable IAM User Permissions", "Effect": "Allow",
                 "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}]
})";

inline std::shared_ptr<const Policy> MustParse(std::string_view json, PolicyKind kind = PolicyKind::kKeyPolicy) {
  auto parsed = ParsePolicy(json, kind);
  INFO(parsed.status().message());
  REQUIRE(parsed.ok());
  return *parsed;
}

inline NamedPolicy KeyPolicy(std::string_view json) { return NamedPolicy{"key-policy", MustParse(json)}; }
inline NamedPolicy IdentityPolicy(std::string source, std::string_view json) {
  return NamedPolicy{std::move(source), MustParse(json, PolicyKind::kIdentityPolicy)};
}

// A request on kKeyArn (account kAccount) by `caller_arn`, with kms:CallerAccount set.
inline EvalRequest RequestBy(std::string_view caller_arn, std::string action, const NamedPolicy* key_policy) {
  EvalRequest r;
  r.principal = PrincipalFromArn(caller_arn);
  r.action = std::move(action);
  r.resource = std::string(kKeyArn);
  r.resource_account = std::string(kAccount);
  r.key_policy = key_policy;
  if (!r.principal.account.empty()) r.context.Set("kms:CallerAccount", r.principal.account);
  return r;
}

}  // namespace kmslab::policy::testing

#endif  // KMSLAB_POLICY_TEST_POLICIES_H_
