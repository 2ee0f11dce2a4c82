// Facts about KMS actions the algorithm needs (docs/spec/kms.md sections 3 and
// 5.2): which may be used across accounts, and which grant operation an IAM
// action corresponds to. Action names compare without regard to case.
// Pure, thread-safe.
#ifndef KMSLAB_POLICY_ACTIONS_H_
#define KMSLAB_POLICY_ACTIONS_H_

#include <string_view>

namespace kmslab::policy {

// Section 5.2 step 1: the cryptographic operations, CreateGrant, DescribeKey,
// GetKeyRotationStatus, GetPublicKey, ListGrants, RetireGrant and RevokeGrant.
bool IsCrossAccountEligible(std::string_view action);

// The grant operation an action maps to ("kms:Decrypt" -> "Decrypt",
// "kms:ReEncryptFrom" -> "ReEncryptFrom"), or "" when grants can never allow
// it (ListGrants, RevokeGrant, PutKeyPolicy, non-KMS actions...).
std::string_view GrantOperationFor(std::string_view action);

// Encryption-context grant constraints do not apply to these operations.
bool GrantIgnoresConstraints(std::string_view operation);

bool IsRetireGrant(std::string_view action);
bool IsCreateGrant(std::string_view action);

}  // namespace kmslab::policy

#endif  // KMSLAB_POLICY_ACTIONS_H_
