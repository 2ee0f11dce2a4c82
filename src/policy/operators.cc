#include "policy/operators.h"

#include <utility>

#include "core/strings.h"

namespace kmslab::policy {
namespace {

struct OpName {
  std::string_view name;
  BaseOp op;
};

constexpr OpName kOps[] = {
    {"StringEquals", BaseOp::kStringEquals},
    {"StringNotEquals", BaseOp::kStringNotEquals},
    {"StringEqualsIgnoreCase", BaseOp::kStringEqualsIgnoreCase},
    {"StringNotEqualsIgnoreCase", BaseOp::kStringNotEqualsIgnoreCase},
    {"StringLike", BaseOp::kStringLike},
    {"StringNotLike", BaseOp::kStringNotLike},
    {"NumericEquals", BaseOp::kNumericEquals},
    {"NumericNotEquals", BaseOp::kNumericNotEquals},
    {"NumericLessThan", BaseOp::kNumericLessThan},
    {"NumericLessThanEquals", BaseOp::kNumericLessThanEquals},
    {"NumericGreaterThan", BaseOp::kNumericGreaterThan},
    {"NumericGreaterThanEquals", BaseOp::kNumericGreaterThanEquals},
    {"DateEquals", BaseOp::kDateEquals},
    {"DateNotEquals", BaseOp::kDateNotEquals},
    {"DateLessThan", BaseOp::kDateLessThan},
    {"DateLessThanEquals", BaseOp::kDateLessThanEquals},
    {"DateGreaterThan", BaseOp::kDateGreaterThan},
    {"DateGreaterThanEquals", BaseOp::kDateGreaterThanEquals},
    {"Bool", BaseOp::kBool},
    {"BinaryEquals", BaseOp::kBinaryEquals},
    {"IpAddress", BaseOp::kIpAddress},
    {"NotIpAddress", BaseOp::kNotIpAddress},
    {"ArnEquals", BaseOp::kArnEquals},
    {"ArnLike", BaseOp::kArnLike},
    {"ArnNotEquals", BaseOp::kArnNotEquals},
    {"ArnNotLike", BaseOp::kArnNotLike},
    {"Null", BaseOp::kNull},
};

}  // namespace

std::optional<Operator> ParseOperator(std::string_view name) {
  Operator op;
  op.name = std::string(name);
  std::string_view rest = name;
  if (core::EqualsIgnoreCase(rest.substr(0, 12), "ForAnyValue:")) {
    op.set = SetOp::kForAnyValue;
    rest.remove_prefix(12);
  } else if (core::EqualsIgnoreCase(rest.substr(0, 13), "ForAllValues:")) {
    op.set = SetOp::kForAllValues;
    rest.remove_prefix(13);
  }
  constexpr std::string_view kIfExists = "IfExists";
  if (rest.size() > kIfExists.size() && core::EqualsIgnoreCase(rest.substr(rest.size() - kIfExists.size()), kIfExists)) {
    op.if_exists = true;
    rest.remove_suffix(kIfExists.size());
  }
  for (const OpName& entry : kOps) {
    if (!core::EqualsIgnoreCase(entry.name, rest)) continue;
    op.base = entry.op;
    if (op.base == BaseOp::kNull && (op.if_exists || op.set != SetOp::kNone)) return std::nullopt;
    return op;
  }
  return std::nullopt;
}

ValueKind KindOf(BaseOp op) {
  switch (op) {
    case BaseOp::kStringEquals:
    case BaseOp::kStringNotEquals:
    case BaseOp::kStringEqualsIgnoreCase:
    case BaseOp::kStringNotEqualsIgnoreCase:
    case BaseOp::kStringLike:
    case BaseOp::kStringNotLike:
      return ValueKind::kString;
    case BaseOp::kNumericEquals:
    case BaseOp::kNumericNotEquals:
    case BaseOp::kNumericLessThan:
    case BaseOp::kNumericLessThanEquals:
    case BaseOp::kNumericGreaterThan:
    case BaseOp::kNumericGreaterThanEquals:
      return ValueKind::kNumber;
    case BaseOp::kDateEquals:
    case BaseOp::kDateNotEquals:
    case BaseOp::kDateLessThan:
    case BaseOp::kDateLessThanEquals:
    case BaseOp::kDateGreaterThan:
    case BaseOp::kDateGreaterThanEquals:
      return ValueKind::kDate;
    case BaseOp::kBool:
      return ValueKind::kBool;
    case BaseOp::kBinaryEquals:
      return ValueKind::kBinary;
    case BaseOp::kIpAddress:
    case BaseOp::kNotIpAddress:
      return ValueKind::kIp;
    case BaseOp::kArnEquals:
    case BaseOp::kArnLike:
    case BaseOp::kArnNotEquals:
    case BaseOp::kArnNotLike:
      return ValueKind::kArn;
    case BaseOp::kNull:
      return ValueKind::kNull;
  }
  return ValueKind::kString;
}

BaseOp Positive(BaseOp op) {
  switch (op) {
    case BaseOp::kStringNotEquals: return BaseOp::kStringEquals;
    case BaseOp::kStringNotEqualsIgnoreCase: return BaseOp::kStringEqualsIgnoreCase;
    case BaseOp::kStringNotLike: return BaseOp::kStringLike;
    case BaseOp::kNumericNotEquals: return BaseOp::kNumericEquals;
    case BaseOp::kDateNotEquals: return BaseOp::kDateEquals;
    case BaseOp::kNotIpAddress: return BaseOp::kIpAddress;
    case BaseOp::kArnNotEquals: return BaseOp::kArnEquals;
    case BaseOp::kArnNotLike: return BaseOp::kArnLike;
    default: return op;
  }
}

bool IsNegated(BaseOp op) { return Positive(op) != op; }

}  // namespace kmslab::policy
