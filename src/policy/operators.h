// Condition operators (docs/spec/kms.md section 4.4): the base operators, the
// ...IfExists suffix and the ForAnyValue: / ForAllValues: set prefixes.
// Pure, thread-safe.
#ifndef KMSLAB_POLICY_OPERATORS_H_
#define KMSLAB_POLICY_OPERATORS_H_

#include <optional>
#include <string>
#include <string_view>

namespace kmslab::policy {

enum class BaseOp {
  kStringEquals, kStringNotEquals, kStringEqualsIgnoreCase, kStringNotEqualsIgnoreCase,
  kStringLike, kStringNotLike,
  kNumericEquals, kNumericNotEquals, kNumericLessThan, kNumericLessThanEquals,
  kNumericGreaterThan, kNumericGreaterThanEquals,
  kDateEquals, kDateNotEquals, kDateLessThan, kDateLessThanEquals, kDateGreaterThan, kDateGreaterThanEquals,
  kBool, kBinaryEquals, kIpAddress, kNotIpAddress,
  kArnEquals, kArnLike, kArnNotEquals, kArnNotLike,
  kNull,
};

// How the operator reads its values.
enum class ValueKind { kString, kArn, kNumber, kDate, kBool, kBinary, kIp, kNull };

enum class SetOp { kNone, kForAnyValue, kForAllValues };

struct Operator {
  BaseOp base = BaseOp::kStringEquals;
  SetOp set = SetOp::kNone;
  bool if_exists = false;
  std::string name;  // as written, e.g. "ForAnyValue:StringLikeIfExists"
};

// Nullopt for an unknown name. Names compare without regard to case (lenient:
// AWS documents no rule), and Null takes neither IfExists nor a set prefix.
std::optional<Operator> ParseOperator(std::string_view name);

ValueKind KindOf(BaseOp op);
// Negated operators combine their policy values with AND ("matches none") and
// are true for a missing key.
bool IsNegated(BaseOp op);
// The positive operator a negated one inverts (kStringNotLike -> kStringLike); others map to themselves.
BaseOp Positive(BaseOp op);

}  // namespace kmslab::policy

#endif  // KMSLAB_POLICY_OPERATORS_H_
