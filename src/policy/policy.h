// kmslab's policy engine: parses key policies and IAM identity policies, and
// decides KMS requests the way AWS KMS does (docs/spec/kms.md sections 4-7).
//
// Everything here is pure: no I/O, no clock, no randomness; all inputs arrive
// in the request. Parsed policies are immutable and safe to share between
// threads; Authorize, AccessDeniedMessage and Explain are thread-safe.
#ifndef KMSLAB_POLICY_POLICY_H_
#define KMSLAB_POLICY_POLICY_H_

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "policy/decision.h"
#include "policy/eval_request.h"
#include "policy/request_context.h"

namespace kmslab::policy {

// Key policies need Principal, allow spaces in Sid, and are capped at 32768 bytes
// of tab, LF, CR and U+0020-U+00FF. Identity policies must not name a principal.
// Resource-based policies of other resources (a DynamoDB table's) need Principal
// like key policies; their size and characters are their service's to check.
enum class PolicyKind { kKeyPolicy, kIdentityPolicy, kResourcePolicy };

class Policy;  // policy/document.h: immutable parsed document with pre-compiled patterns

// Parses and validates. On failure: a Status with code kInvalidArgument whose
// message lists every problem, one per line. Statements missing Action or
// Resource are accepted but never match (Policy::warnings() says so).
// ForAllValues on kms:EncryptionContext:* or aws:RequestTag/* is rejected; the
// message then starts with AWS's "OverlyPermissiveCondition: ..." line.
//
// `sids`: kUnique refuses a Sid used by two statements, as IAM does for
// documents users submit; kMayRepeat admits it, for policies kmslab stored or
// wrote itself (AWS's own key policy for the Secrets Manager managed key gives
// two statements one Sid [O]).
enum class SidRule { kUnique, kMayRepeat };
core::StatusOr<std::shared_ptr<const Policy>> ParsePolicy(std::string_view json, PolicyKind kind,
                                                          SidRule sids = SidRule::kUnique);

// Decides one request (section 5.2). Pure and total: never fails; oddities
// become Decision::diagnostics. The choices where AWS is silent:
// - Explicit deny wins; a key-policy deny is reported (explicit-resource) over
//   an identity-policy deny, and both sets of statements are determining.
// - A statement naming the caller ("*", user, role for its sessions, session,
//   federated user, service) allows directly; naming only the caller's account
//   allows when an identity policy does too, or when the caller is that
//   account's root. Across accounts both sides are always needed, and only the
//   actions of step 1 are eligible (else no-resource, with a diagnostic).
// - AWSService callers have no IAM: a Service statement or a grant suffices.
// - Grants: the grantee is the caller's ARN, its session's role, its service
//   (regional and global names match), or its account's root (which then needs
//   the caller's IAM allow unless it is the root). A grant-allowed
//   kms:CreateGrant must keep kms:GrantOperations within the grant's and a
//   constraint at least as strict (kms:GrantConstraintType + encryption_context).
// - kms:RetireGrant follows section 5.5 over request.grants; the key policy
//   plays no part (neither its allows nor its denies), identity denies do.
// - key_policy == nullptr: IAM-only; denials say no-identity.
// - EvalRequest::Rule::kResourcePolicy (a DynamoDB table's or stream's policy
//   in key_policy, null when the resource has none): IAM's rule. An explicit
//   deny anywhere wins (explicit-resource reported first). In the resource's
//   account, a statement naming the caller or an identity-policy allow
//   suffices (a statement naming only the account delegates to IAM). Across
//   accounts both are needed; without the resource policy's the reason is
//   no-resource, without the identity policy's no-identity. No grants, no
//   cross-account eligibility list.
// - Denial reason: no-resource when the key policy offers no path (direct or
//   through the caller's account), else no-identity (section 5.2 step 7).
Decision Authorize(const EvalRequest& request);

// AWS's text for a denial: "User: <arn> is not authorized to perform: <action>
// on resource: <resource> <reason text>" (section 7, no trailing period).
// Empty when the decision allows.
std::string AccessDeniedMessage(const EvalRequest& request, const Decision& decision);

// A human explanation of the decision: the outcome, why, the determining
// statements, and for every statement and grant tried the first element that
// failed (which condition, which values). Re-runs Authorize with a trace when
// `decision` carries none. Multi-line text, ending with a newline.
std::string Explain(const EvalRequest& request, const Decision& decision);

}  // namespace kmslab::policy

#endif  // KMSLAB_POLICY_POLICY_H_
