// PolicyAuthorizer: authorizes KMS calls as AWS KMS does, with the policy
// engine (key policy, the caller's IAM policies, grants, condition keys),
// and records every denial with its explanation. Thread-safe.
#ifndef KMSLAB_KMS_POLICY_AUTHORIZER_H_
#define KMSLAB_KMS_POLICY_AUTHORIZER_H_

#include "core/clock.h"
#include "kms/authorizer.h"
#include "kms/denial_log.h"
#include "kms/key_registry.h"

namespace kmslab::kms {

// Sets the condition keys naming properties of `key` (kms:KeySpec,
// kms:KeyUsage, kms:KeyOrigin, their CustomerMasterKey* synonyms,
// kms:MultiRegion and kms:MultiRegionKeyType): for a key-resource operation
// the key's, for an operation creating a key the new key's.
void SetKeyPropertyConditionKeys(policy::RequestContext& context, const store::KeyRow& key);

class PolicyAuthorizer : public Authorizer {
 public:
  // `keys` supplies alias names for kms:ResourceAliases; `keys` and `denials`
  // may be null (offline explain).
  // Grants younger than `grant_delay_ms` do not count yet (AWS's eventual
  // consistency) unless the request carries their token.
  PolicyAuthorizer(const core::Clock* clock, const KeyRegistry* keys, DenialLog* denials, int64_t grant_delay_ms = 0)
      : clock_(clock), keys_(keys), denials_(denials), grant_delay_ms_(grant_delay_ms) {}

  core::Status Authorize(const CallContext& call, const AuthzCheck& check,
                         AuthzOutcome* outcome = nullptr) const override;
  bool AllowsPolicyUpdate(const CallContext& call, const store::KeyRow& key,
                          const std::shared_ptr<const policy::Policy>& new_policy) const override;
  bool Allows(const CallContext& call, const AuthzCheck& check) const override;

  // The grants that may apply to `check`: those naming the caller (its ARN,
  // role, account or service principal) and those its grant tokens name.
  void AddGrants(const CallContext& call, const AuthzCheck& check, policy::EvalRequest& request) const;

  // The policy engine's request for `check` (exposed for explain and tests).
  policy::EvalRequest BuildRequest(const CallContext& call, const AuthzCheck& check,
                                   const policy::NamedPolicy* key_policy) const;

 private:
  const core::Clock* clock_;
  const KeyRegistry* keys_;
  DenialLog* denials_;
  int64_t grant_delay_ms_;
};

}  // namespace kmslab::kms

#endif  // KMSLAB_KMS_POLICY_AUTHORIZER_H_
