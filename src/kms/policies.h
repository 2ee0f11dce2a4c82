// Key policies kmslab writes itself.
#ifndef KMSLAB_KMS_POLICIES_H_
#define KMSLAB_KMS_POLICIES_H_

#include <string>

namespace kmslab::kms {

// The policy CreateKey installs when none is given (policies/default-key-policy.json):
// the account root may do kms:*, delegating to the account's IAM policies.
std::string DefaultKeyPolicy(const std::string& account);

}  // namespace kmslab::kms

#endif  // KMSLAB_KMS_POLICIES_H_
