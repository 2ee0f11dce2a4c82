// Alias name rules shared by CreateAlias, UpdateAlias and DeleteAlias.
#ifndef KMSLAB_KMS_OPS_ALIASES_H_
#define KMSLAB_KMS_OPS_ALIASES_H_

#include <string>

#include "core/status.h"
#include "kms/request_reader.h"

namespace kmslab::kms::ops {

inline constexpr StrRule kAliasNameRule{.required = true, .min = 1, .max = 256};

// The alias/ prefix and the name pattern; `customer_write` also refuses the
// reserved alias/aws/ prefix.
core::Status CheckAliasName(const std::string& name, bool customer_write);

}  // namespace kmslab::kms::ops

#endif  // KMSLAB_KMS_OPS_ALIASES_H_
