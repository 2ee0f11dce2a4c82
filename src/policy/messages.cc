// AccessDeniedMessage(): AWS's AccessDeniedException text (docs/spec/kms.md section 7).
#include "policy/policy.h"

namespace kmslab::policy {

std::string AccessDeniedMessage(const EvalRequest& request, const Decision& decision) {
  if (decision.allowed()) return "";
  const std::string& caller = request.principal.arn.empty() ? request.principal.service : request.principal.arn;
  std::string text = "User: " + caller + " is not authorized to perform: " + request.action +
                     " on resource: " + request.resource;
  if (decision.reason == kReasonExplicitResource) {
    text += " with an explicit deny in a resource-based policy";
  } else if (decision.reason == kReasonExplicitIdentity) {
    text += " with an explicit deny in an identity-based policy";
  } else if (decision.reason == kReasonNoIdentity) {
    text += " because no identity-based policy allows the " + request.action + " action";
  } else {
    text += " because no resource-based policy allows the " + request.action + " action";
  }
  return text;
}

}  // namespace kmslab::policy
