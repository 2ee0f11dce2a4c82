// Matching one policy statement against a request: Principal (key policies
// only), Action, Resource and Condition, with trace events when the request
// asks for them. Pure, thread-safe.
#ifndef KMSLAB_POLICY_STATEMENT_EVAL_H_
#define KMSLAB_POLICY_STATEMENT_EVAL_H_

#include "policy/decision.h"
#include "policy/document.h"
#include "policy/eval_request.h"

namespace kmslab::policy {

struct StatementOutcome {
  bool applies = false;      // every element matched
  bool direct = false;       // the Principal names the caller itself ("*" included)
  bool via_account = false;  // the Principal names only the caller's account principal
};

// Evaluates `statement` of `policy` for `request`. `key_policy` selects the key
// policy rules: the Principal element is checked, and IAM-only condition keys
// read as absent. Appends trace events (when request.want_trace) and
// diagnostics to `*decision`.
StatementOutcome EvaluateStatement(const Statement& statement, const NamedPolicy& policy, bool key_policy,
                                   const EvalRequest& request, Decision* decision);

}  // namespace kmslab::policy

#endif  // KMSLAB_POLICY_STATEMENT_EVAL_H_
