#include "policy/grants.h"

#include <algorithm>

#include "core/arn.h"
#include "core/strings.h"
#include "policy/actions.h"

namespace kmslab::policy {
namespace {

using Pairs = std::map<std::string, std::string>;

// Finds keys of `pairs` exactly, else without regard to case. The folded
// index is built on the first inexact lookup, so matching n pairs against n
// stays O(n log n).
class KeyFinder {
 public:
  explicit KeyFinder(const Pairs& pairs) : pairs_(pairs) {}
  const std::string* Find(const std::string& key) {
    if (auto it = pairs_.find(key); it != pairs_.end()) return &it->second;
    if (folded_.empty() && !pairs_.empty()) {
      for (const auto& [k, v] : pairs_) folded_.emplace(core::ToLower(k), &v);
    }
    auto it = folded_.find(core::ToLower(key));
    return it == folded_.end() ? nullptr : it->second;
  }

 private:
  const Pairs& pairs_;
  std::map<std::string, const std::string*> folded_;
};

// CreateGrant allowed by a grant: the new grant's operations must be among the
// parent's, and its constraint at least as strict (section 5.4).
bool CreateGrantWithinParent(const Grant& parent, const EvalRequest& request, std::string* detail) {
  if (std::optional<RequestContext::Values> ops = request.context.Find("kms:GrantOperations")) {
    for (const std::string& op : *ops) {
      if (!GrantHasOperation(parent, op)) {
        *detail = "the new grant's operation " + op + " is not among this grant's operations";
        return false;
      }
    }
  }
  std::optional<RequestContext::Values> type = request.context.Find("kms:GrantConstraintType");
  const std::string child_type = type && type->size() == 1 ? type->front() : "";
  if (!parent.context_equals.empty() && child_type != "EncryptionContextEquals") {
    *detail = "this grant has EncryptionContextEquals, so the new grant must have the same EncryptionContextEquals";
    return false;
  }
  if (!parent.context_subset.empty() && child_type.empty()) {
    *detail = "this grant has EncryptionContextSubset, so the new grant needs a constraint that includes it";
    return false;
  }
  return true;
}

}  // namespace

bool GrantConstraintsHold(const Grant& grant, const std::map<std::string, std::string>& context,
                          std::string* detail) {
  const bool equals = !grant.context_equals.empty();
  const std::map<std::string, std::string>& want = equals ? grant.context_equals : grant.context_subset;
  KeyFinder in_request(context);
  for (const auto& [key, value] : want) {
    const std::string* have = in_request.Find(key);
    if (have == nullptr || *have != value) {
      if (detail != nullptr) {
        *detail = std::string(equals ? "EncryptionContextEquals" : "EncryptionContextSubset") + " needs \"" + key +
                  "\": \"" + value + "\"; the request has " +
                  (have == nullptr ? std::string("no such key") : "\"" + *have + "\"");
      }
      return false;
    }
  }
  if (equals) {
    KeyFinder in_grant(grant.context_equals);
    for (const auto& [key, value] : context) {
      if (in_grant.Find(key) == nullptr) {
        if (detail != nullptr) *detail = "EncryptionContextEquals does not allow the extra pair \"" + key + "\"";
        return false;
      }
    }
  }
  return true;
}

bool GrantHasOperation(const Grant& grant, std::string_view operation) {
  return std::any_of(grant.operations.begin(), grant.operations.end(),
                     [operation](const std::string& op) { return core::EqualsIgnoreCase(op, operation); });
}

std::string AccountOf(std::string_view issuing_account) {
  if (core::IsAccountId(issuing_account)) return std::string(issuing_account);
  std::optional<core::Arn> arn = core::ParseArn(issuing_account);
  if (arn.has_value() && arn->service == "iam" && arn->resource == "root") return arn->account;
  return "";
}

GrantCheck CheckGrant(const Grant& grant, std::string_view operation, const EvalRequest& request) {
  GrantCheck check;
  check.grantee = MatchGrantee(grant.grantee_principal, request.principal);
  if (check.grantee == GranteeMatch::kNone) {
    check.failed_element = "Grantee";
    check.detail = grant.grantee_principal + " is not the caller, its role or (with IAM) its account";
    return check;
  }
  if (operation.empty() || !GrantHasOperation(grant, operation)) {
    check.failed_element = "Operations";
    check.detail = operation.empty() ? request.action + " is not a grant operation; grants never allow it"
                                     : "operations [" + core::Join(grant.operations, ", ") + "] lack " +
                                           std::string(operation);
    return check;
  }
  if (!GrantIgnoresConstraints(operation)) {
    if (!GrantConstraintsHold(grant, request.encryption_context, &check.detail)) {
      check.failed_element = "Constraints";
      return check;
    }
    if (operation == "CreateGrant" && !CreateGrantWithinParent(grant, request, &check.detail)) {
      check.failed_element = "Constraints";
      return check;
    }
  }
  check.usable = true;
  return check;
}

}  // namespace kmslab::policy
