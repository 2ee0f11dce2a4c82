#include "policy/document.h"

#include <utility>

namespace kmslab::policy {

Policy::Policy(PolicyKind kind, std::string version, std::string id, std::vector<Statement> statements,
               std::vector<std::string> warnings)
    : kind_(kind),
      version_(std::move(version)),
      id_(std::move(id)),
      statements_(std::move(statements)),
      warnings_(std::move(warnings)) {}

}  // namespace kmslab::policy
