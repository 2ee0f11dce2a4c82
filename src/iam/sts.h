// STS: AssumeRole (the role's trust policy decides, evaluated by the policy
// engine like any resource policy) and GetCallerIdentity. Thread-safe.
#ifndef KMSLAB_IAM_STS_H_
#define KMSLAB_IAM_STS_H_

#include <string>

#include "core/status.h"
#include "iam/directory.h"

namespace kmslab::iam {

struct AssumeRoleRequest {
  std::string role_arn;
  std::string session_name;
  int64_t duration_seconds = 3600;
};

// Authorizes `caller` for sts:AssumeRole on the role and records the session.
// Errors carry their STS error code as the AWS type (ValidationError,
// AccessDenied, NoSuchEntity...).
core::StatusOr<Credential> AssumeRole(Directory& directory, const Identity& caller, const AssumeRoleRequest& request,
                                      int64_t now_ms);

}  // namespace kmslab::iam

#endif  // KMSLAB_IAM_STS_H_
