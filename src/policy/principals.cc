#include "policy/principals.h"

#include <optional>
#include <string>
#include <vector>

#include "core/arn.h"
#include "core/strings.h"

namespace kmslab::policy {
namespace {

using Kind = PrincipalEntry::Kind;

// "dynamodb.us-west-2.amazonaws.com" -> "dynamodb.amazonaws.com"; others unchanged.
std::string GlobalServiceName(std::string_view name) {
  std::string lower = core::ToLower(name);
  size_t first = lower.find('.');
  if (first == std::string::npos) return lower;
  size_t second = lower.find('.', first + 1);
  if (second == std::string::npos) return lower;
  std::string_view tail = std::string_view(lower).substr(second + 1);
  if (tail != "amazonaws.com" && tail != "amazonaws.com.cn") return lower;
  return lower.substr(0, first) + "." + std::string(tail);
}

bool IsUniqueId(std::string_view text) {
  if (text.size() < 16 || text[0] != 'A') return false;
  for (char c : text)
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  return true;
}

// True when a non-account entry names the caller.
bool EntryNamesCaller(const PrincipalEntry& e, const Principal& caller) {
  switch (e.kind) {
    case Kind::kAny:
      return true;
    case Kind::kUser:
    case Kind::kSession:
    case Kind::kFederatedUser:
      return e.value == caller.arn;
    case Kind::kRole:
      return !caller.role_arn.empty() && e.value == caller.role_arn;
    case Kind::kService:
      return caller.type == "AWSService" && ServiceMatches(e.value, caller.service);
    case Kind::kAccount:
    case Kind::kUnmatchable:
      return false;
  }
  return false;
}

bool ListsIdentity(const std::vector<PrincipalEntry>& entries, const Principal& caller) {
  for (const PrincipalEntry& e : entries)
    if (EntryNamesCaller(e, caller)) return true;
  return false;
}

bool ListsAccount(const std::vector<PrincipalEntry>& entries, const Principal& caller) {
  if (IsServiceCaller(caller) || caller.account.empty()) return false;
  for (const PrincipalEntry& e : entries)
    if (e.kind == Kind::kAny || (e.kind == Kind::kAccount && e.account == caller.account)) return true;
  return false;
}

}  // namespace

bool IsRootCaller(const Principal& caller) { return caller.type == "Root"; }
bool IsServiceCaller(const Principal& caller) { return caller.type == "AWSService"; }

std::optional<PrincipalEntry> ParseAwsPrincipal(std::string_view text, std::string* error) {
  PrincipalEntry entry;
  if (text == "*") return entry;
  if (core::IsAccountId(text)) {
    entry.kind = Kind::kAccount;
    entry.value = entry.account = std::string(text);
    return entry;
  }
  if (IsUniqueId(text)) {
    entry.kind = Kind::kUnmatchable;
    entry.value = std::string(text);
    return entry;
  }
  std::optional<core::Arn> arn = core::ParseArn(text);
  if (!arn.has_value() || !core::IsAccountId(arn->account) || !arn->region.empty()) {
    *error = "Invalid principal \"" + std::string(text) +
             "\": expected \"*\", an account id, or an IAM or STS ARN with a 12-digit account";
    return std::nullopt;
  }
  if (text.find_first_of("*?") != std::string_view::npos) {
    *error = "Invalid principal \"" + std::string(text) +
             "\": wildcards are not allowed inside principal ARNs (use aws:PrincipalArn with ArnLike)";
    return std::nullopt;
  }
  entry.value = std::string(text);
  entry.account = arn->account;
  const std::string& r = arn->resource;
  if (arn->service == "iam" && r == "root") {
    entry.kind = Kind::kAccount;
    entry.value = arn->account;
  } else if (arn->service == "iam" && r.rfind("user/", 0) == 0 && r.size() > 5) {
    entry.kind = Kind::kUser;
  } else if (arn->service == "iam" && r.rfind("role/", 0) == 0 && r.size() > 5) {
    entry.kind = Kind::kRole;
  } else if (arn->service == "sts" && r.rfind("assumed-role/", 0) == 0 &&
             core::Split(r, '/').size() == 3) {
    entry.kind = Kind::kSession;
  } else if (arn->service == "sts" && r.rfind("federated-user/", 0) == 0 && r.size() > 15) {
    entry.kind = Kind::kFederatedUser;
  } else {
    *error = "Invalid principal \"" + std::string(text) +
             "\": only the account root, users, roles, assumed-role sessions and federated users can be principals";
    return std::nullopt;
  }
  return entry;
}

PrincipalMatch MatchPrincipalEntries(const std::vector<PrincipalEntry>& entries, const Principal& caller) {
  PrincipalMatch match;
  for (const PrincipalEntry& e : entries) {
    if (e.kind == Kind::kAccount) {
      if (!IsServiceCaller(caller) && !caller.account.empty() && e.account == caller.account) match.account = true;
    } else if (!match.direct && EntryNamesCaller(e, caller)) {
      match.direct = true;
    }
  }
  return match;
}

bool NotPrincipalApplies(const std::vector<PrincipalEntry>& entries, const Principal& caller,
                         bool* account_missing) {
  const bool account = ListsAccount(entries, caller);
  if (IsRootCaller(caller)) return !account;
  const bool identity = ListsIdentity(entries, caller);
  if (IsServiceCaller(caller)) return !identity;
  if (account_missing != nullptr) *account_missing = identity && !account;
  return !(identity && account);
}

bool ServiceMatches(std::string_view a, std::string_view b) {
  if (core::EqualsIgnoreCase(a, b)) return true;
  std::string ga = GlobalServiceName(a), gb = GlobalServiceName(b);
  if (ga != gb) return false;
  return ga == core::ToLower(a) || gb == core::ToLower(b);
}

GranteeMatch MatchGrantee(std::string_view grantee, const Principal& caller) {
  if (grantee.empty()) return GranteeMatch::kNone;
  if (IsServiceCaller(caller)) {
    return ServiceMatches(grantee, caller.service) ? GranteeMatch::kDirect : GranteeMatch::kNone;
  }
  if (grantee == caller.arn || (!caller.role_arn.empty() && grantee == caller.role_arn)) return GranteeMatch::kDirect;
  if (caller.account.empty()) return GranteeMatch::kNone;
  if (grantee == caller.account || grantee == core::AccountRootArn(caller.account)) return GranteeMatch::kAccount;
  if (std::optional<core::Arn> arn = core::ParseArn(grantee);
      arn.has_value() && arn->service == "iam" && arn->resource == "root" && arn->account == caller.account) {
    return GranteeMatch::kAccount;
  }
  return GranteeMatch::kNone;
}

Principal PrincipalFromArn(std::string_view arn_or_service) {
  Principal p;
  std::optional<core::Arn> arn = core::ParseArn(arn_or_service);
  if (!arn.has_value()) {
    if (arn_or_service.find('.') != std::string_view::npos && arn_or_service.find(':') == std::string_view::npos) {
      p.type = "AWSService";
      p.service = std::string(arn_or_service);
      p.arn = p.service;
    } else {
      p.arn = std::string(arn_or_service);
    }
    return p;
  }
  p.arn = std::string(arn_or_service);
  p.account = arn->account;
  const std::string& r = arn->resource;
  if (arn->service == "iam" && r == "root") {
    p.type = "Root";
  } else if (arn->service == "iam" && r.rfind("user/", 0) == 0) {
    p.type = "IAMUser";
  } else if (arn->service == "sts" && r.rfind("assumed-role/", 0) == 0) {
    p.type = "AssumedRole";
    std::vector<std::string> parts = core::Split(r, '/');
    if (parts.size() >= 2) p.role_arn = "arn:" + arn->partition + ":iam::" + arn->account + ":role/" + parts[1];
  } else if (arn->service == "sts" && r.rfind("federated-user/", 0) == 0) {
    p.type = "FederatedUser";
  }
  return p;
}

}  // namespace kmslab::policy
