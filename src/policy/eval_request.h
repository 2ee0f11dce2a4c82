// The inputs of one authorization decision (docs/spec/kms.md section 5.1): who
// calls, what action on which resource, the policies and grants that may
// apply, and the request's condition keys. Plain data; thread-safe to share
// once built.
#ifndef KMSLAB_POLICY_EVAL_REQUEST_H_
#define KMSLAB_POLICY_EVAL_REQUEST_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "policy/request_context.h"

namespace kmslab::policy {

class Policy;

// The caller.
struct Principal {
  std::string arn;       // caller ARN: user ARN, session ARN arn:aws:sts::A:assumed-role/R/S, arn:aws:iam::A:root
  std::string account;   // 12 digits ("" for a service acting under its own identity)
  std::string type;      // "Root" | "IAMUser" | "AssumedRole" | "FederatedUser" | "AWSService"
  std::string role_arn;  // for AssumedRole: arn:aws:iam::A:role/path/R (key-policy role principals match every session)
  std::string service;   // for AWSService: e.g. "dynamodb.amazonaws.com" or "dynamodb.us-east-1.amazonaws.com"
};

// Builds a Principal from a caller ARN or a service principal name:
// arn:aws:iam::A:root -> Root; arn:aws:iam::A:user/... -> IAMUser;
// arn:aws:sts::A:assumed-role/R/S -> AssumedRole with role_arn arn:aws:iam::A:role/R (no path: set role_arn
// yourself for roles with a path); arn:aws:sts::A:federated-user/N -> FederatedUser; a name such as
// "dynamodb.amazonaws.com" -> AWSService. Anything else gives type "" (matches only "*" principals).
Principal PrincipalFromArn(std::string_view arn_or_service);

// A parsed policy and where it comes from ("key-policy", "user/app:inline:kms-use",
// "role/db-team:managed:arn:aws:iam::aws:policy/X"); the source names it in decisions and traces.
struct NamedPolicy {
  std::string source;
  std::shared_ptr<const Policy> policy;
};

// A grant as ListGrants shows it.
struct Grant {
  std::string grant_id, name, grantee_principal, retiring_principal, issuing_account;
  std::vector<std::string> operations;                                // operation names: "Decrypt", "ReEncryptFrom"...
  std::map<std::string, std::string> context_subset, context_equals;  // at most one non-empty
};

struct EvalRequest {
  // How key_policy combines with the identity policies (policy.h, Authorize).
  enum class Rule {
    kKeyPolicy,       // KMS (section 5.2): the key policy gates everything; null key_policy = IAM-only
    kResourcePolicy,  // IAM's rule for an optional resource-based policy: key_policy holds it (null: none)
  };
  Rule rule = Rule::kKeyPolicy;
  Principal principal;
  std::string action;            // IAM action, "kms:Decrypt"
  std::string resource;          // key ARN, alias ARN, or "*"
  std::string resource_account;  // the key's (or resource's) account ("" for IAM-only requests)
  const NamedPolicy* key_policy = nullptr;     // nullptr: IAM-only operation (CreateKey, ListKeys, alias half...)
  std::vector<NamedPolicy> identity_policies;  // the principal's identity policies (empty for roots and services)
  // Grants on the key that may apply. For kms:RetireGrant: the grant being retired (section 5.5).
  std::vector<Grant> grants;
  // The request's encryption context, for grant constraints. For kms:CreateGrant: the new grant's constraint
  // pairs, so that a grant-derived CreateGrant is held to its parent's constraint (section 5.4).
  std::map<std::string, std::string> encryption_context;
  RequestContext context;  // every condition key of section 6 the operation sets
  bool want_trace = false;
};

}  // namespace kmslab::policy

#endif  // KMSLAB_POLICY_EVAL_REQUEST_H_
