// Authorizer: the pipeline's authorization stage.
//
// Authorize() decides one AuthzCheck for one caller and returns OK or an
// AccessDeniedException worded as AWS words it. Implementations are
// thread-safe.
#ifndef KMSLAB_KMS_AUTHORIZER_H_
#define KMSLAB_KMS_AUTHORIZER_H_

#include <memory>
#include <string>

#include "core/status.h"
#include "kms/call.h"
#include "kms/plan.h"
#include "policy/policy.h"

namespace kmslab::kms {

class Authorizer {
 public:
  virtual ~Authorizer() = default;
  // `outcome`, when given, receives the decision and what determined it.
  virtual core::Status Authorize(const CallContext& call, const AuthzCheck& check,
                                 AuthzOutcome* outcome = nullptr) const = 0;
  // Whether `check` would be allowed, recording nothing: a what-if such as a
  // resource-based policy's lockout check.
  virtual bool Allows(const CallContext& call, const AuthzCheck& check) const { return Authorize(call, check).ok(); }
  // The lockout safety check: would `new_policy` on `key` (with the caller's
  // IAM policies) still allow the caller kms:PutKeyPolicy?
  virtual bool AllowsPolicyUpdate(const CallContext& call, const store::KeyRow& key,
                                  const std::shared_ptr<const policy::Policy>& new_policy) const = 0;
};

}  // namespace kmslab::kms

#endif  // KMSLAB_KMS_AUTHORIZER_H_
