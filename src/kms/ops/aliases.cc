#include "kms/ops/aliases.h"

#include "kms/errors.h"

namespace kmslab::kms::ops {

core::Status CheckAliasName(const std::string& name, bool customer_write) {
  if (!name.starts_with("alias/")) {
    return ValidationError(
        "Alias must start with the prefix \"alias/\". Please see "
        "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html");
  }
  bool pattern_ok = name.size() > 6;
  for (char c : name) {
    pattern_ok = pattern_ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-');
  }
  if (!pattern_ok) {
    return ValidationError("1 validation error detected: Value '" + name +
                           "' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression "
                           "pattern: ^alias/[a-zA-Z0-9/_-]+$");
  }
  if (customer_write && name.starts_with("alias/aws/")) {
    return core::Status(core::Code::kPermissionDenied,
                        "Alias names beginning with alias/aws/ are reserved for AWS managed keys.",
                        "NotAuthorizedException");
  }
  return core::Status();
}

}  // namespace kmslab::kms::ops
