// Grant matching (docs/spec/kms.md sections 5.4 and 5.5): grantee, operation,
// encryption-context constraints, and the limits on a CreateGrant that a grant
// allows. Pure, thread-safe.
#ifndef KMSLAB_POLICY_GRANTS_H_
#define KMSLAB_POLICY_GRANTS_H_

#include <map>
#include <string>
#include <string_view>

#include "policy/eval_request.h"
#include "policy/principals.h"

namespace kmslab::policy {

// EncryptionContextSubset: every constraint pair is in `context`;
// EncryptionContextEquals: `context` has exactly the constraint's pairs. Keys
// compare without regard to case, values exactly. No constraint: true. On
// false, `*detail` (when non-null) names the first missing or extra pair.
bool GrantConstraintsHold(const Grant& grant, const std::map<std::string, std::string>& context,
                          std::string* detail);

// The outcome of trying one grant for `operation` (a grant operation name).
struct GrantCheck {
  bool usable = false;  // grantee, operation and constraints all match
  GranteeMatch grantee = GranteeMatch::kNone;  // kAccount: also needs the caller's IAM allow unless root
  std::string failed_element;  // "Grantee", "Operations" or "Constraints" when !usable
  std::string detail;
};
GrantCheck CheckGrant(const Grant& grant, std::string_view operation, const EvalRequest& request);

bool GrantHasOperation(const Grant& grant, std::string_view operation);

// "arn:aws:iam::A:root" or "A" -> "A"; "" otherwise.
std::string AccountOf(std::string_view issuing_account);

}  // namespace kmslab::policy

#endif  // KMSLAB_POLICY_GRANTS_H_
