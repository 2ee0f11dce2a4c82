// Condition evaluation (docs/spec/kms.md section 4.4): one clause of a statement's
// Condition element against the request's condition keys. Total: a value that
// cannot be compared never matches, and the oddity becomes a diagnostic.
// Pure, thread-safe.
#ifndef KMSLAB_POLICY_CONDITIONS_H_
#define KMSLAB_POLICY_CONDITIONS_H_

#include <string>
#include <string_view>
#include <vector>

#include "policy/document.h"
#include "policy/request_context.h"

namespace kmslab::policy {

// Where evaluation notes go, and which statement they are about.
struct EvalNotes {
  std::vector<std::string>* diagnostics = nullptr;  // may be null: notes are dropped
  std::string_view source;                          // e.g. "key-policy"
  int index = -1;                                   // statement index, -1 for none
  // Appends "<source> statement <index>: <text>" unless already present.
  void Add(std::string text) const;
};

// True when the clause holds. Missing keys: a positive operator is false, a
// negated one true, ...IfExists true, ForAnyValue false, ForAllValues true;
// Null tests presence. Negated operators are true when the request value
// matches none of the policy values. A multi-valued key without a set operator
// is read as ForAnyValue. In a key policy (`in_key_policy`) aws:ResourceTag/*
// and kms:ResourceAliases count as absent, as KMS honours them in IAM only.
// On false, `*detail` (when non-null) says which values failed, and what the
// clause's policy variables, if any, resolved to.
bool EvaluateClause(const ConditionClause& clause, const RequestContext& context, bool in_key_policy,
                    const EvalNotes& notes, std::string* detail);

// "StringLike kms:ViaService [\"dynamodb.*.amazonaws.com\"]", for traces.
std::string DescribeClause(const ConditionClause& clause);
// The clause, what its policy variables resolved to (if it has any) and the
// request's values of its key as the clause sees them, for traces:
// "StringEquals kms:CallerAccount [\"1\"]; request: [\"2\"]" (or "; request: absent").
std::string DescribeWithRequest(const ConditionClause& clause, const RequestContext& context, bool in_key_policy);

}  // namespace kmslab::policy

#endif  // KMSLAB_POLICY_CONDITIONS_H_
