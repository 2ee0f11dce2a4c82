// Resolves the KeyId member of a request (key id, key ARN, alias name or
// alias ARN) to a key, with AWS's NotFoundException texts.
// Pure over the registry snapshot; thread-safe.
#ifndef KMSLAB_KMS_KEY_RESOLVER_H_
#define KMSLAB_KMS_KEY_RESOLVER_H_

#include <string>

#include "core/status.h"
#include "kms/call.h"
#include "kms/key_registry.h"

namespace kmslab::kms {

enum class KeyIdForms {
  kKeyOnly,     // key id or key ARN (management operations)
  kKeyOrAlias,  // also alias name or alias ARN (cryptographic operations, DescribeKey)
};

struct ResolvedKey {
  KeyPtr key;
  std::string request_alias;  // "alias/x" when the caller named an alias
};

// A bare id or alias name resolves in the caller's own account; ARNs name
// their account and must name the call's region.
core::StatusOr<ResolvedKey> ResolveKey(const KeyRegistry& keys, const std::string& key_id, KeyIdForms forms,
                                       const CallContext& call);

}  // namespace kmslab::kms

#endif  // KMSLAB_KMS_KEY_RESOLVER_H_
