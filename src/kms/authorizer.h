// Authorizer: the pipeline's authorization stage.
//
// Authorize() decides one AuthzCheck for one caller and returns OK or an
// AccessDeniedException worded as AWS words it. Implementations are
// thread-safe.
#ifndef KMSLAB_KMS_AUTHORIZER_H_
#define KMSLAB_KMS_AUTHORIZER_H_

#include "core/status.h"
#include "kms/call.h"
#include "kms/plan.h"

namespace kmslab::kms {

class Authorizer {
 public:
  virtual ~Authorizer() = default;
  virtual core::Status Authorize(const CallContext& call, const AuthzCheck& check) const = 0;
};

// Until key policies and IAM identities are evaluated, the only caller is an
// account root: it may use its own account's keys (as the default key policy
// allows) and nothing in another account.
class AccountRootAuthorizer : public Authorizer {
 public:
  core::Status Authorize(const CallContext& call, const AuthzCheck& check) const override;
};

// "User: <caller> is not authorized to perform: <action> on resource: <arn> <reason>"
std::string AccessDeniedMessage(const std::string& caller_arn, const std::string& action,
                                const std::string& resource, const std::string& reason);

}  // namespace kmslab::kms

#endif  // KMSLAB_KMS_AUTHORIZER_H_
