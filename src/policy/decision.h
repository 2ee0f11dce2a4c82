// The outcome of Authorize(): the effect, the AWS reason for a denial, the
// statements or grant that decided, oddities met on the way, and (on request)
// a trace of every statement element tried. Plain data.
#ifndef KMSLAB_POLICY_DECISION_H_
#define KMSLAB_POLICY_DECISION_H_

#include <string>
#include <string_view>
#include <vector>

namespace kmslab::policy {

enum class Effect { kAllow, kImplicitDeny, kExplicitDeny };

// "Allow", "ImplicitDeny", "ExplicitDeny".
std::string_view EffectName(Effect effect);

// Denial reasons (docs/spec/kms.md section 7), the values of Decision::reason.
inline constexpr std::string_view kReasonExplicitResource = "explicit-resource";
inline constexpr std::string_view kReasonExplicitIdentity = "explicit-identity";
inline constexpr std::string_view kReasonNoResource = "no-resource";
inline constexpr std::string_view kReasonNoIdentity = "no-identity";

// A statement (source + 0-based index + Sid) or a grant (source "grant", index into
// EvalRequest::grants, sid = the grant's name, grant_id set) that decided.
struct Determining {
  std::string source;
  int index = 0;
  std::string sid;
  std::string grant_id;
};

// One element tried. element is "Principal", "NotPrincipal", "Action", "NotAction", "Resource",
// "NotResource", "Condition" or "Statement" (the statement's overall result, detail "direct",
// "account" or the reason it does not apply) for policy statements; "Grantee", "Operations",
// "Constraints" or "Grant" for grants (source "grant:<id>", index into EvalRequest::grants);
// "Eligibility" for the cross-account check (source "request").
struct TraceEvent {
  std::string source;
  int index = 0;
  std::string sid;
  std::string element;
  bool matched = false;
  std::string detail;
};

struct Decision {
  Effect effect = Effect::kImplicitDeny;
  std::string reason;                    // "" when allowed; else one of the kReason* values
  std::vector<Determining> determining;  // deny statements for an explicit deny; allowing statements or grant
  std::vector<std::string> diagnostics;  // oddities met during evaluation (never failures)
  std::vector<TraceEvent> trace;         // only when EvalRequest::want_trace

  bool allowed() const { return effect == Effect::kAllow; }
};

}  // namespace kmslab::policy

#endif  // KMSLAB_POLICY_DECISION_H_
