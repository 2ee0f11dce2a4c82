// Identity: who is calling, as authentication established it, with the
// identity policies that apply to them. Immutable once built; shared.
#ifndef KMSLAB_IAM_IDENTITY_H_
#define KMSLAB_IAM_IDENTITY_H_

#include <memory>
#include <string>
#include <vector>

#include "policy/policy.h"

namespace kmslab::iam {

struct Identity {
  std::string arn;           // caller ARN; the session ARN for role sessions
  std::string account;       // 12 digits
  std::string type;          // Root | IAMUser | AssumedRole | AWSService
  std::string name;          // user or role name; empty for root
  std::string user_id;       // aws:userid: AIDA..., AROA...:session, the account id for root
  std::string role_arn;      // role sessions: the role's ARN
  std::string session_name;  // role sessions
  std::string service;       // AWSService: the service principal, e.g. dynamodb.amazonaws.com
  std::vector<policy::NamedPolicy> policies;  // identity policies: user (and groups) or role

  policy::Principal ToPrincipal() const { return {arn, account, type, role_arn, service}; }
};

using IdentityPtr = std::shared_ptr<const Identity>;

// The account's root user: implicitly allowed by IAM, no policies.
IdentityPtr RootIdentity(const std::string& account);

}  // namespace kmslab::iam

#endif  // KMSLAB_IAM_IDENTITY_H_
