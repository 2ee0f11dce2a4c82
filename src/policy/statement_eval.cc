#include "policy/statement_eval.h"

#include <utility>

#include "core/arn.h"
#include "core/strings.h"
#include "policy/conditions.h"
#include "policy/glob.h"
#include "policy/principals.h"

namespace kmslab::policy {
namespace {

bool MatchAction(const ActionElement& element, std::string_view action) {
  bool hit = element.any;
  for (size_t i = 0; !hit && i < element.patterns.size(); ++i) hit = GlobMatch(element.patterns[i], action, true);
  return element.negated ? !hit : hit;
}

bool MatchResource(const ResourceElement& element, const EvalRequest& request, const EvalNotes& notes) {
  bool hit = element.any;
  std::string scratch, unresolved;
  for (size_t i = 0; !hit && i < element.patterns.size(); ++i) {
    const ValueTemplate& pattern = element.patterns[i];
    if (!pattern.has_variables()) {
      hit = ArnGlobMatch(pattern.glob(), request.resource);
    } else if (pattern.Resolve(request.context, ValueTemplate::Form::kGlob, &scratch, &unresolved)) {
      hit = ArnGlobMatch(scratch, request.resource);
    } else {
      notes.Add("policy variable " + unresolved + " has no value; Resource \"" + pattern.text() +
                "\" matches nothing");
    }
  }
  return element.negated ? !hit : hit;
}

// Principal or NotPrincipal; `*out` tells how it named the caller.
bool MatchPrincipal(const PrincipalElement& element, const Principal& caller, const EvalNotes& notes,
                    StatementOutcome* out) {
  if (!element.present) return false;
  if (element.negated) {
    bool account_missing = false;
    bool applies = NotPrincipalApplies(element.entries, caller, &account_missing);
    if (account_missing) {
      notes.Add("NotPrincipal lists the caller but not its account " + core::AccountRootArn(caller.account) +
                ", so the statement still applies to it");
    }
    out->direct = applies;
    return applies;
  }
  PrincipalMatch match = MatchPrincipalEntries(element.entries, caller);
  out->direct = match.direct;
  out->via_account = match.account && !match.direct;
  return match.direct || match.account;
}

bool MatchConditions(const Statement& statement, const EvalRequest& request, bool key_policy,
                     const EvalNotes& notes, std::string* detail) {
  for (const ConditionClause& clause : statement.conditions)
    if (!EvaluateClause(clause, request.context, key_policy, notes, detail)) return false;
  return true;
}

std::string Patterns(const std::vector<std::string>& patterns) {
  return "[" + core::Join(patterns, ", ") + "]";
}

std::string Patterns(const std::vector<ValueTemplate>& patterns) {
  std::vector<std::string> texts;
  for (const ValueTemplate& t : patterns) texts.push_back(t.text());
  return Patterns(texts);
}

class Tracer {
 public:
  Tracer(const NamedPolicy& policy, const Statement& statement, Decision* decision)
      : policy_(policy), statement_(statement), decision_(decision) {}
  void Event(std::string element, bool matched, std::string detail) {
    decision_->trace.push_back(TraceEvent{policy_.source, statement_.index, statement_.sid, std::move(element),
                                          matched, std::move(detail)});
  }

 private:
  const NamedPolicy& policy_;
  const Statement& statement_;
  Decision* decision_;
};

StatementOutcome TraceStatement(const Statement& st, const NamedPolicy& policy, bool key_policy,
                                const EvalRequest& request, const EvalNotes& notes, Decision* decision) {
  Tracer tracer(policy, st, decision);
  StatementOutcome out;
  bool all = true;
  const Principal& caller = request.principal;
  if (key_policy) {
    const char* name = st.principal.negated ? "NotPrincipal" : "Principal";
    bool hit = MatchPrincipal(st.principal, caller, notes, &out);
    std::string who = caller.arn.empty() ? caller.service : caller.arn;
    std::string detail;
    if (!st.principal.present) {
      detail = "missing: the statement never matches";
    } else if (st.principal.negated) {
      detail = hit ? "does not exclude " + who : "excludes " + who;
    } else if (out.direct) {
      detail = "names " + who;
    } else if (out.via_account) {
      detail = "names the caller's account " + core::AccountRootArn(caller.account) + " (delegates to IAM)";
    } else {
      detail = "does not name " + who + (caller.account.empty() ? "" : " or its account " + caller.account);
    }
    tracer.Event(name, hit, std::move(detail));
    all = all && hit;
  }
  {
    const char* name = st.action.negated ? "NotAction" : "Action";
    bool hit = st.action.present && MatchAction(st.action, request.action);
    std::string detail = !st.action.present ? "missing: the statement never matches"
                         : hit ? request.action + " matches " + Patterns(st.action.patterns)
                               : request.action + " does not match " + Patterns(st.action.patterns);
    tracer.Event(name, hit, std::move(detail));
    all = all && hit;
  }
  {
    const char* name = st.resource.negated ? "NotResource" : "Resource";
    bool hit = st.resource.present && MatchResource(st.resource, request, notes);
    std::string detail = !st.resource.present ? "missing: the statement never matches"
                         : hit ? request.resource + " matches " + Patterns(st.resource.patterns)
                               : request.resource + " does not match " + Patterns(st.resource.patterns);
    tracer.Event(name, hit, std::move(detail));
    all = all && hit;
  }
  if (!st.conditions.empty()) {
    std::string detail;
    bool hit = MatchConditions(st, request, key_policy, notes, &detail);
    if (hit) {
      detail.clear();
      for (const ConditionClause& clause : st.conditions) {
        detail += (detail.empty() ? "" : ", and ") + DescribeWithRequest(clause, request.context, key_policy);
      }
    }
    tracer.Event("Condition", hit, std::move(detail));
    all = all && hit;
  }
  out.applies = all;
  std::string verdict = !all                ? "does not apply"
                        : !key_policy        ? "applies"
                        : out.via_account    ? "account"
                                             : "direct";
  tracer.Event("Statement", all, std::move(verdict));
  return out;
}

}  // namespace

StatementOutcome EvaluateStatement(const Statement& st, const NamedPolicy& policy, bool key_policy,
                                   const EvalRequest& request, Decision* decision) {
  EvalNotes notes{&decision->diagnostics, policy.source, st.index};
  if (request.want_trace) return TraceStatement(st, policy, key_policy, request, notes, decision);

  StatementOutcome out;
  const bool complete = st.action.present && st.resource.present && (!key_policy || st.principal.present);
  if (st.action.present && !MatchAction(st.action, request.action)) return out;
  if (key_policy && !MatchPrincipal(st.principal, request.principal, notes, &out)) return out;
  if (st.resource.present && !MatchResource(st.resource, request, notes)) return out;
  if (!MatchConditions(st, request, key_policy, notes, nullptr)) return out;
  if (!complete) {
    notes.Add("the statement has no Action or no Resource, so it never matches");
    out = StatementOutcome{};
    return out;
  }
  out.applies = true;
  return out;
}

}  // namespace kmslab::policy
