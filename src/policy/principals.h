// Principals (docs/spec/kms.md sections 4.2 and 5.4): classifying the entries of a
// Principal element, and matching them, grantees and retiring principals
// against the caller. Pure, thread-safe.
#ifndef KMSLAB_POLICY_PRINCIPALS_H_
#define KMSLAB_POLICY_PRINCIPALS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/document.h"
#include "policy/eval_request.h"

namespace kmslab::policy {

// Classifies one {"AWS": ...} value. Nullopt (with the problem in *error) for
// text that is not a principal: wildcards inside ARNs, groups, malformed ARNs.
std::optional<PrincipalEntry> ParseAwsPrincipal(std::string_view text, std::string* error);

// How a Principal element (not NotPrincipal) names the caller.
struct PrincipalMatch {
  bool direct = false;   // by "*", user, role, session, federated-user or service entry
  bool account = false;  // by the account principal of the caller's account
};
PrincipalMatch MatchPrincipalEntries(const std::vector<PrincipalEntry>& entries, const Principal& caller);

// NotPrincipal: the statement applies unless the caller is excluded. A caller
// is excluded when its own identity is listed (user, session or its role,
// federated user, service) and so is its account; a root caller is excluded by
// its account alone. `*account_missing` (optional) is set when the caller's
// identity is listed but its account is not, the trap AWS documents.
bool NotPrincipalApplies(const std::vector<PrincipalEntry>& entries, const Principal& caller,
                         bool* account_missing);

// Service principals match when equal (ignoring case) or when one is the global
// form of the other: "dynamodb.amazonaws.com" ~ "dynamodb.us-west-2.amazonaws.com".
bool ServiceMatches(std::string_view a, std::string_view b);

// A grantee or retiring principal against the caller (section 5.4).
enum class GranteeMatch {
  kNone,
  kDirect,   // the caller's ARN, the role of its session, or its service
  kAccount,  // the account principal of the caller's account (needs an IAM allow unless root)
};
GranteeMatch MatchGrantee(std::string_view grantee, const Principal& caller);

bool IsRootCaller(const Principal& caller);
bool IsServiceCaller(const Principal& caller);

}  // namespace kmslab::policy

#endif  // KMSLAB_POLICY_PRINCIPALS_H_
