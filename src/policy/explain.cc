// Explain(): a human account of a decision, read off its trace.
#include <utility>

#include "core/arn.h"
#include "policy/actions.h"
#include "policy/document.h"
#include "policy/policy.h"

namespace kmslab::policy {
namespace {

const Statement* FindStatement(const EvalRequest& request, const std::string& source, int index) {
  auto pick = [&](const NamedPolicy& named) -> const Statement* {
    if (named.source != source || named.policy == nullptr) return nullptr;
    const std::vector<Statement>& all = named.policy->statements();
    return index >= 0 && static_cast<size_t>(index) < all.size() ? &all[index] : nullptr;
  };
  if (request.key_policy != nullptr)
    if (const Statement* st = pick(*request.key_policy)) return st;
  for (const NamedPolicy& named : request.identity_policies)
    if (const Statement* st = pick(named)) return st;
  return nullptr;
}

std::string Label(const std::string& source, int index, const std::string& sid) {
  std::string text = source.rfind("grant:", 0) == 0 ? "grant " + source.substr(6) + " (#" + std::to_string(index) + ")"
                                                      : source + " statement " + std::to_string(index);
  if (!sid.empty()) text += " \"" + sid + "\"";
  return text;
}

std::string DeterminingLabel(const Determining& d) {
  if (!d.grant_id.empty()) return Label("grant:" + d.grant_id, d.index, d.sid);
  return Label(d.source, d.index, d.sid);
}

bool HasEvent(const Decision& decision, std::string_view element, bool matched) {
  for (const TraceEvent& e : decision.trace)
    if (e.element == element && e.matched == matched) return true;
  return false;
}

// Why() under EvalRequest::Rule::kResourcePolicy: an optional resource-based policy and identity policies.
std::string WhyResourcePolicy(const EvalRequest& request, const Decision& decision) {
  const Principal& p = request.principal;
  const bool has_policy = request.key_policy != nullptr && request.key_policy->policy != nullptr;
  const bool same = request.resource_account.empty() || p.account == request.resource_account;
  if (decision.allowed()) {
    bool resource = false, identity = false;
    for (const Determining& d : decision.determining) {
      const bool from_resource = has_policy && d.source == request.key_policy->source;
      resource = resource || from_resource;
      identity = identity || !from_resource;
    }
    if (resource && identity) {
      return "the resource-based policy allows the caller's account or the caller, and an identity policy of the "
             "caller allows it too, as a caller from another account needs";
    }
    if (resource) return "the resource-based policy names the caller and allows it, which suffices in the resource's "
                         "own account";
    if (identity) return "an identity policy of the caller allows it, which suffices in the resource's own account";
    return "the account's root user has implicit IAM permissions in its own account";
  }
  if (decision.effect == Effect::kExplicitDeny) {
    return decision.reason == kReasonExplicitResource
               ? "an explicit Deny in the resource-based policy matches, and an explicit deny beats every allow"
               : "an explicit Deny in an identity policy of the caller matches, and an explicit deny beats every allow";
  }
  const std::string none = has_policy ? "no statement of the resource-based policy allows it"
                                      : "the resource has no resource-based policy";
  if (same) {
    return none + ", and no identity policy of the caller allows " + request.action + " on " + request.resource +
           "; in the resource's own account either would suffice";
  }
  if (decision.reason == kReasonNoIdentity) {
    return "the resource-based policy allows the caller (or its account " + p.account +
           "), but a caller from another account also needs its own identity policy to allow " + request.action +
           " on " + request.resource + ", and none does";
  }
  return "the resource belongs to account " + request.resource_account + " and the caller to account " + p.account +
         ": a caller from another account needs the resource-based policy to allow it, directly or through its "
         "account, and " + none;
}

// `traced` carries the trace of the same decision.
std::string Why(const EvalRequest& request, const Decision& decision, const Decision& traced) {
  if (request.rule == EvalRequest::Rule::kResourcePolicy) return WhyResourcePolicy(request, decision);
  const Principal& p = request.principal;
  const bool iam_only = request.key_policy == nullptr;
  const std::string account_root = p.account.empty() ? "its account" : core::AccountRootArn(p.account);
  if (decision.allowed()) {
    if (!decision.determining.empty() && !decision.determining.front().grant_id.empty())
      return "a grant names the caller as grantee (or retiring principal) and covers this operation";
    if (iam_only) {
      return decision.determining.empty() ? request.action + " is authorized by IAM alone, and the account's root user "
                                                             "has implicit IAM permissions"
                                          : request.action + " is authorized by IAM alone, and an identity policy allows it";
    }
    std::string text = "the key policy allows it";
    bool identity = false;
    for (const Determining& d : decision.determining)
      identity = identity || (request.key_policy != nullptr && d.source != request.key_policy->source);
    if (identity) text += ", and so does an identity policy of the caller";
    if (!identity && p.type == "Root") text += " (the account's root user has implicit IAM permissions)";
    return text;
  }
  if (decision.effect == Effect::kExplicitDeny) {
    return decision.reason == kReasonExplicitResource
               ? "an explicit Deny in the key policy matches, and an explicit deny beats every allow"
               : "an explicit Deny in an identity policy of the caller matches, and an explicit deny beats every allow";
  }
  if (IsRetireGrant(request.action)) {
    return "kms:RetireGrant is authorized by the grant alone: the caller is not its retiring principal, not a grantee "
           "holding RetireGrant, and not an IAM-authorized principal of the issuing account";
  }
  if (HasEvent(traced, "Eligibility", false)) {
    return request.action + " is never allowed on a key in another account (key account " + request.resource_account +
           ", caller account " + p.account + ")";
  }
  if (iam_only) {
    return request.action + " is authorized by IAM policies alone, and no identity policy of the caller allows it on " +
           request.resource;
  }
  const bool same = p.account == request.resource_account;
  if (decision.reason == kReasonNoIdentity) {
    return same ? "the key policy delegates to the account (" + account_root +
                      "), but no identity policy of the caller allows " + request.action + " on " + request.resource +
                      ", and no grant applies"
                : "the key policy allows the other account, but a cross-account caller also needs its own identity "
                  "policy to allow " + request.action + " on " + request.resource + ", and none does";
  }
  if (p.type == "AWSService") {
    return "no key-policy statement names the service " + p.service + " for this request, and no grant applies";
  }
  return "no key-policy statement allows the caller, either directly or through its account (" + account_root +
         ") for this action under these conditions; without that, identity policies cannot help, and no grant applies";
}

}  // namespace

std::string Explain(const EvalRequest& request, const Decision& decision) {
  Decision traced_copy;
  const Decision* traced = &decision;
  if (decision.trace.empty()) {
    EvalRequest copy = request;
    copy.want_trace = true;
    traced_copy = Authorize(copy);
    traced = &traced_copy;
  }
  const Principal& p = request.principal;
  std::string out = "Decision: " + std::string(EffectName(decision.effect));
  if (!decision.reason.empty()) out += " (" + decision.reason + ")";
  out += "\nCaller: " + (p.arn.empty() ? p.service : p.arn) + " (" + (p.type.empty() ? "unknown type" : p.type);
  if (!p.account.empty()) out += ", account " + p.account;
  out += ")\nAction: " + request.action + "\nResource: " + request.resource;
  if (request.rule == EvalRequest::Rule::kResourcePolicy) {
    out += " (account " + request.resource_account + ", " +
           (p.account == request.resource_account ? "same account" : "cross-account") + "; resource-based policy: " +
           (request.key_policy != nullptr && request.key_policy->policy != nullptr ? request.key_policy->source
                                                                                   : "none") +
           ")";
  } else if (request.key_policy == nullptr) {
    out += " (IAM-only: no key policy is consulted)";
  } else if (!request.resource_account.empty()) {
    out += " (account " + request.resource_account + ", " +
           (p.account == request.resource_account ? "same account" : "cross-account") + ")";
  }
  out += "\n";
  if (!decision.allowed()) out += "Message: " + AccessDeniedMessage(request, decision) + "\n";
  out += "Why: " + Why(request, decision, *traced) + "\n";
  if (!decision.determining.empty()) {
    out += "Determining:\n";
    for (const Determining& d : decision.determining) out += "  - " + DeterminingLabel(d) + "\n";
  }

  // One line per statement or grant tried: its verdict, or the first element that failed.
  std::string tried;
  for (size_t i = 0; i < traced->trace.size();) {
    const TraceEvent& first = traced->trace[i];
    size_t end = i;
    while (end < traced->trace.size() && traced->trace[end].source == first.source &&
           traced->trace[end].index == first.index)
      ++end;
    if (first.source == "request") {
      tried += "  - " + first.element + ": " + first.detail + "\n";
      i = end;
      continue;
    }
    const TraceEvent* failed = nullptr;
    const TraceEvent* verdict = nullptr;
    const TraceEvent* held = nullptr;  // the conditions of a statement that applies
    for (size_t j = i; j < end; ++j) {
      const TraceEvent& e = traced->trace[j];
      if (e.element == "Statement" || e.element == "Grant") verdict = &e;
      if (e.element == "Condition" && e.matched) held = &e;
      if (!e.matched && failed == nullptr && e.element != "Statement") failed = &e;
    }
    std::string line = "  - " + Label(first.source, first.index, first.sid);
    if (const Statement* st = FindStatement(request, first.source, first.index)) line += st->allow ? " (Allow)" : " (Deny)";
    if (failed != nullptr) {
      line += ": no match: " + failed->element + " " + failed->detail;
    } else if (verdict != nullptr && verdict->matched) {
      line += verdict->element == "Grant" ? ": usable: " + verdict->detail
              : verdict->detail == "account" ? ": applies through the account principal (needs an IAM allow)"
                                             : ": applies";
      if (held != nullptr) line += "; Condition holds: " + held->detail;
    }
    tried += line + "\n";
    i = end;
  }
  if (!tried.empty()) out += "Tried:\n" + tried;
  if (!decision.diagnostics.empty()) {
    out += "Diagnostics:\n";
    for (const std::string& d : decision.diagnostics) out += "  - " + d + "\n";
  }
  return out;
}

}  // namespace kmslab::policy
