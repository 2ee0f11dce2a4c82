// Authorize(): the decision procedure of docs/spec/kms.md section 5.2, with the
// IAM-only operations of 5.3, grants of 5.4 and RetireGrant of 5.5.
#include <optional>
#include <utility>

#include "core/arn.h"
#include "policy/actions.h"
#include "policy/document.h"
#include "policy/grants.h"
#include "policy/policy.h"
#include "policy/principals.h"
#include "policy/statement_eval.h"

namespace kmslab::policy {
namespace {

Determining Of(const NamedPolicy& policy, const Statement& st) {
  return Determining{policy.source, st.index, st.sid, ""};
}

class Evaluator {
 public:
  explicit Evaluator(const EvalRequest& request)
      : req_(request), caller_(request.principal), tracing_(request.want_trace) {}

  Decision Run() {
    if (req_.rule == EvalRequest::Rule::kResourcePolicy) {
      RunResourcePolicy();
    } else if (IsRetireGrant(req_.action)) {
      RunRetireGrant();
    } else {
      RunStandard();
    }
    return std::move(d_);
  }

 private:
  bool IamOnly() const { return req_.key_policy == nullptr || req_.key_policy->policy == nullptr; }

  void Allow(std::vector<Determining> determining) {
    d_.effect = Effect::kAllow;
    d_.reason.clear();
    d_.determining = std::move(determining);
  }
  void Deny(Effect effect, std::string_view reason, std::vector<Determining> determining = {}) {
    d_.effect = effect;
    d_.reason = std::string(reason);
    d_.determining = std::move(determining);
  }
  void RequestEvent(std::string element, bool matched, std::string detail) {
    if (tracing_) d_.trace.push_back(TraceEvent{"request", -1, "", std::move(element), matched, std::move(detail)});
  }

  // Evaluates the key policy once: its Deny statements that apply, and the Allow
  // statements naming the caller directly or through its account.
  void ScanKeyPolicy() {
    const NamedPolicy& kp = *req_.key_policy;
    for (const Statement& st : kp.policy->statements()) {
      StatementOutcome out = EvaluateStatement(st, kp, true, req_, &d_);
      if (!out.applies) continue;
      if (!st.allow) {
        kp_denies_.push_back(Of(kp, st));
      } else if (out.direct) {
        kp_direct_.push_back(Of(kp, st));
      } else {
        kp_account_.push_back(Of(kp, st));
      }
    }
  }

  // Identity-policy Deny statements; with a trace, the Allow statements too.
  void ScanIdentityPolicies() {
    for (const NamedPolicy& named : req_.identity_policies) {
      if (named.policy == nullptr) continue;
      for (const Statement& st : named.policy->statements()) {
        if (st.allow && !tracing_) continue;
        StatementOutcome out = EvaluateStatement(st, named, false, req_, &d_);
        if (!out.applies) continue;
        (st.allow ? iam_allows_ : id_denies_).push_back(Of(named, st));
      }
    }
    if (tracing_) iam_ = !iam_allows_.empty();
  }

  // Section 5.2 step 4: the root has implicit IAM permissions.
  bool Iam() {
    if (!iam_.has_value()) {
      for (const NamedPolicy& named : req_.identity_policies) {
        if (named.policy == nullptr) continue;
        for (const Statement& st : named.policy->statements()) {
          if (st.allow && EvaluateStatement(st, named, false, req_, &d_).applies) iam_allows_.push_back(Of(named, st));
        }
      }
      iam_ = !iam_allows_.empty();
    }
    return *iam_ || IsRootCaller(caller_);
  }

  // Section 5.2 step 5. Returns the first usable grant; with a trace, tries all.
  std::optional<Determining> Grants() {
    std::optional<Determining> found;
    const std::string_view operation = GrantOperationFor(req_.action);
    for (size_t i = 0; i < req_.grants.size(); ++i) {
      if (found.has_value() && !tracing_) break;
      const Grant& g = req_.grants[i];
      GrantCheck check = CheckGrant(g, operation, req_);
      if (check.usable && check.grantee == GranteeMatch::kAccount && !Iam()) {
        check.usable = false;
        check.failed_element = "Grantee";
        check.detail = "grantee " + g.grantee_principal +
                       " is the caller's account; no identity policy of the caller allows " + req_.action;
      }
      GrantEvent(i, check.usable ? "Grant" : check.failed_element, check.usable,
                 check.usable ? "allows " + std::string(operation) : check.detail);
      if (check.usable && !found.has_value()) found = Determining{"grant", static_cast<int>(i), g.name, g.grant_id};
    }
    return found;
  }

  void GrantEvent(size_t index, std::string element, bool matched, std::string detail) {
    if (!tracing_) return;
    const Grant& g = req_.grants[index];
    d_.trace.push_back(TraceEvent{"grant:" + g.grant_id, static_cast<int>(index), g.name, std::move(element), matched,
                                  std::move(detail)});
  }

  bool ExplicitDeny() {
    if (kp_denies_.empty() && id_denies_.empty()) return false;
    std::vector<Determining> all = kp_denies_;
    all.insert(all.end(), id_denies_.begin(), id_denies_.end());
    Deny(Effect::kExplicitDeny, kp_denies_.empty() ? kReasonExplicitIdentity : kReasonExplicitResource,
         std::move(all));
    return true;
  }

  void RunStandard() {
    const bool service = IsServiceCaller(caller_);
    const bool iam_only = IamOnly();
    const bool same_account = iam_only || service || caller_.account == req_.resource_account;
    if (!iam_only && !service && !same_account) {
      const bool eligible = IsCrossAccountEligible(req_.action);
      RequestEvent("Eligibility", eligible,
                   req_.action + (eligible ? " may" : " may not") + " be used on a key of another account");
      if (!eligible) {
        d_.diagnostics.push_back(req_.action + " cannot be used across accounts (caller account " + caller_.account +
                                 ", key account " + req_.resource_account + ")");
        Deny(Effect::kImplicitDeny, kReasonNoResource);
        return;
      }
    }
    if (!iam_only) ScanKeyPolicy();
    ScanIdentityPolicies();
    if (ExplicitDeny()) return;

    if (iam_only) {
      if (Iam()) {
        Allow(iam_allows_);
      } else {
        Deny(Effect::kImplicitDeny, kReasonNoIdentity);
      }
      return;
    }
    const bool kp_direct = !kp_direct_.empty(), kp_account = !kp_account_.empty();
    bool allowed = false;
    if (kp_direct && (same_account || Iam())) {
      std::vector<Determining> why = kp_direct_;
      if (!same_account) why.insert(why.end(), iam_allows_.begin(), iam_allows_.end());
      Allow(std::move(why));
      allowed = true;
    } else if (kp_account && Iam()) {
      std::vector<Determining> why = kp_account_;
      why.insert(why.end(), iam_allows_.begin(), iam_allows_.end());
      Allow(std::move(why));
      allowed = true;
    }
    if (tracing_) Iam();  // so the trace shows the identity policies' allows too
    if (!allowed || tracing_) {
      std::optional<Determining> grant = Grants();
      if (!allowed && grant.has_value()) {
        Allow({*grant});
        allowed = true;
      }
    }
    if (!allowed) Deny(Effect::kImplicitDeny, (kp_direct || kp_account) ? kReasonNoIdentity : kReasonNoResource);
  }

  // IAM's rule for an optional resource-based policy (policy.h): the policy, when
  // there is one, is scanned as a key policy is; no grants.
  void RunResourcePolicy() {
    const bool has_policy = req_.key_policy != nullptr && req_.key_policy->policy != nullptr;
    const bool same_account =
        IsServiceCaller(caller_) || req_.resource_account.empty() || caller_.account == req_.resource_account;
    if (has_policy) ScanKeyPolicy();
    ScanIdentityPolicies();
    if (ExplicitDeny()) return;
    const bool rp_direct = !kp_direct_.empty(), rp_account = !kp_account_.empty();
    const bool iam = Iam();
    if (same_account && rp_direct) {
      Allow(kp_direct_);
    } else if (same_account && iam) {
      Allow(iam_allows_);
    } else if (!same_account && (rp_direct || rp_account) && iam) {
      std::vector<Determining> why = kp_direct_;
      why.insert(why.end(), kp_account_.begin(), kp_account_.end());
      why.insert(why.end(), iam_allows_.begin(), iam_allows_.end());
      Allow(std::move(why));
    } else {
      Deny(Effect::kImplicitDeny, same_account || rp_direct || rp_account ? kReasonNoIdentity : kReasonNoResource);
    }
  }

  // Section 5.5: RetireGrant is authorized by the grant, never by the key policy.
  void RunRetireGrant() {
    ScanIdentityPolicies();
    if (ExplicitDeny()) return;
    bool issuer_account = false;
    std::optional<Determining> found;
    for (size_t i = 0; i < req_.grants.size() && (!found.has_value() || tracing_); ++i) {
      const Grant& g = req_.grants[i];
      const std::string issuer = AccountOf(g.issuing_account);
      issuer_account = issuer_account || (!issuer.empty() && issuer == caller_.account);
      auto by = [this](GranteeMatch m) {
        return m == GranteeMatch::kDirect || (m == GranteeMatch::kAccount && Iam());
      };
      std::string how;
      if (by(MatchGrantee(g.retiring_principal, caller_))) {
        how = "the caller is the retiring principal " + g.retiring_principal;
      } else if (GrantHasOperation(g, "RetireGrant") && by(MatchGrantee(g.grantee_principal, caller_))) {
        how = "the caller is the grantee and the grant includes RetireGrant";
      } else if (!issuer.empty() && issuer == caller_.account && !IsServiceCaller(caller_) && Iam()) {
        how = "the caller belongs to the issuing account " + issuer + " and IAM allows kms:RetireGrant";
      }
      GrantEvent(i, "Grant", !how.empty(),
                 how.empty() ? "the caller is neither its retiring principal, nor a grantee allowed to retire it, "
                               "nor an IAM-authorized principal of its issuing account"
                             : how);
      if (!how.empty() && !found.has_value()) found = Determining{"grant", static_cast<int>(i), g.name, g.grant_id};
    }
    if (found.has_value()) {
      Allow({*found});
    } else {
      Deny(Effect::kImplicitDeny, issuer_account ? kReasonNoIdentity : kReasonNoResource);
    }
  }

  const EvalRequest& req_;
  const Principal& caller_;
  const bool tracing_;
  Decision d_;
  std::vector<Determining> kp_denies_, kp_direct_, kp_account_, id_denies_, iam_allows_;
  std::optional<bool> iam_;
};

}  // namespace

std::string_view EffectName(Effect effect) {
  switch (effect) {
    case Effect::kAllow: return "Allow";
    case Effect::kImplicitDeny: return "ImplicitDeny";
    case Effect::kExplicitDeny: return "ExplicitDeny";
  }
  return "ImplicitDeny";
}

Decision Authorize(const EvalRequest& request) { return Evaluator(request).Run(); }

}  // namespace kmslab::policy
