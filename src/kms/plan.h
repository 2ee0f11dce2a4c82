// The plan an operation makes before it runs: the authorizations it needs
// and the key-state rule of each (see pipeline.h), and the reply it gives.
#ifndef KMSLAB_KMS_PLAN_H_
#define KMSLAB_KMS_PLAN_H_

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "kms/key_registry.h"
#include "policy/policy.h"

namespace kmslab::kms {

// Which key states an operation tolerates (docs/spec/kms.md section 2.3).
enum class KeyUse {
  kAnyState,             // DescribeKey, GetKeyPolicy, ListResourceTags, ...
  kCryptographic,        // Disabled -> DisabledException; PendingDeletion/Import -> KMSInvalidState
  kManagement,           // PendingDeletion/ReplicaDeletion/Import -> KMSInvalidState (EnableKey, DisableKey)
  // PendingDeletion/ReplicaDeletion -> KMSInvalidState; PendingImport allowed
  // (TagResource, CreateAlias, ScheduleKeyDeletion, ImportKeyMaterial, ...;
  // docs/spec/key-types.md section 10)
  kNotPendingDeletion,
  kPendingDeletionOnly,  // CancelKeyDeletion (PendingDeletion or PendingReplicaDeletion)
};

// A check's role in its operation's plan: operations find their checks by
// role (Plan::operator[]), never by position.
enum class CheckRole : uint8_t {
  kKey,          // the key the operation acts on (PlanKey's default)
  kIamOnly,      // an action on "*" that IAM alone decides (ListKeys, GenerateRandom...)
  kAlias,        // an alias ARN (CreateAlias, UpdateAlias, DeleteAlias)
  kOldTarget,    // UpdateAlias: the key the alias points to now
  kTarget,       // CreateAlias, UpdateAlias: the key the alias will point to
  kSource,       // ReEncrypt: the key that decrypts (kms:ReEncryptFrom)
  kDestination,  // ReEncrypt: the key that encrypts (kms:ReEncryptTo)
  kCreate,       // CreateKey, ReplicateKey: kms:CreateKey
  kTagging,      // CreateKey, ReplicateKey: kms:TagResource for the new key's tags
  kReplica,      // UpdatePrimaryRegion: the replica that becomes primary
};

// One authorization an operation needs.
struct AuthzCheck {
  std::string action;    // IAM action, "kms:Encrypt"
  std::string resource;  // key ARN, alias ARN, or "*" for IAM-only actions
  KeyPtr key;            // the key whose policy and state apply; null when none
  KeyUse use = KeyUse::kAnyState;
  std::string request_alias;  // kms:RequestAlias, when the KeyId was an alias
  // aws:RequestedRegion when the action takes effect outside the call's Region
  // (ReplicateKey's kms:CreateKey in the replica Region); "" = the call's.
  std::string region;
  // The operation's own condition keys (encryption context, algorithm, tags...);
  // the authorizer adds the caller's and the key's.
  policy::RequestContext context;
  // The request's encryption context, for grant constraints.
  std::map<std::string, std::string> encryption_context;
  // kms:RetireGrant: the grant being retired (it, not the key policy, decides).
  GrantPtr subject_grant;
  // Grants the request's grant tokens name (set by the pipeline), which count
  // even before they are consistent.
  std::vector<std::string> token_grant_ids;
  CheckRole role = CheckRole::kKey;
  // Set (never with `key`) when a resource-based policy other than a key
  // policy decides with the identity policies under IAM's rule
  // (policy::EvalRequest::Rule::kResourcePolicy): the account owning
  // `resource`, and its policy (null when it has none). A DynamoDB table's.
  std::string resource_account;
  std::shared_ptr<const policy::Policy> resource_policy;
};

// What authorization decided for one check, for the audit trail.
struct AuthzOutcome {
  std::string action;
  std::string effect;                    // Allow, ImplicitDeny or ExplicitDeny
  std::vector<policy::Determining> determining;  // the statements or grant that decided
  std::string explanation;               // for denials: why, statement by statement
};

struct Plan {
  // The check planned for `role`. Precondition: Resolve planned one.
  AuthzCheck& operator[](CheckRole role) {
    return *std::find_if(checks.begin(), checks.end(), [role](const AuthzCheck& c) { return c.role == role; });
  }
  const AuthzCheck& operator[](CheckRole role) const { return const_cast<Plan&>(*this)[role]; }
  // The key the operation acts on: the kKey check's key.
  const Key& key() const { return *(*this)[CheckRole::kKey].key; }

  std::vector<AuthzCheck> checks;
  std::vector<AuthzOutcome> outcomes;  // filled by the authorization stage, in check order
  bool dry_run = false;
  std::vector<std::string> grant_tokens;  // as sent (GrantTokens)
};

struct Reply {
  core::Status status;  // carries the AWS error type when not OK
  std::string body;     // response JSON; empty for void operations
};

}  // namespace kmslab::kms

#endif  // KMSLAB_KMS_PLAN_H_
