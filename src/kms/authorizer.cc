#include "kms/authorizer.h"

#include "kms/errors.h"

namespace kmslab::kms {

std::string AccessDeniedMessage(const std::string& caller_arn, const std::string& action,
                                const std::string& resource, const std::string& reason) {
  return "User: " + caller_arn + " is not authorized to perform: " + action + " on resource: " + resource + " " +
         reason;
}

core::Status AccountRootAuthorizer::Authorize(const CallContext& call, const AuthzCheck& check) const {
  if (!check.key || check.key->meta.account == call.caller.account) return core::Status();
  return AccessDeniedError(AccessDeniedMessage(call.caller.arn, check.action, check.resource,
                                               "because no resource-based policy allows the " + check.action +
                                                   " action"));
}

}  // namespace kmslab::kms
