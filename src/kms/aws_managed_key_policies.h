// What an AWS managed key looks like when KMS creates it for a service: its
// Description and its key policy, per predefined alias/aws/<service> alias.
#ifndef KMSLAB_KMS_AWS_MANAGED_KEY_POLICIES_H_
#define KMSLAB_KMS_AWS_MANAGED_KEY_POLICIES_H_

#include <optional>
#include <string>
#include <string_view>

namespace kmslab::kms {

struct AwsManagedKeyTemplate {
  std::string description;
  std::string policy;  // a key policy document (JSON)
};

// The Description and key policy of the AWS managed key behind the predefined
// alias `alias` (one of kPredefinedAliases) in `account` and `region`;
// nullopt for any other name. The policies follow the shape AWS gives each
// service's key: any principal of the account may use it, but only through
// that service (kms:CallerAccount and kms:ViaService), and the account may
// read its metadata directly.
std::optional<AwsManagedKeyTemplate> AwsManagedKeyFor(std::string_view alias, const std::string& account,
                                                      const std::string& region);

}  // namespace kmslab::kms

#endif  // KMSLAB_KMS_AWS_MANAGED_KEY_POLICIES_H_
