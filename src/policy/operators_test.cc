#include "policy/operators.h"

#include <doctest/doctest.h>

namespace kmslab::policy {
namespace {

TEST_CASE("operator names with set prefixes and IfExists") {
  auto op = ParseOperator("ForAnyValue:StringLikeIfExists");
  REQUIRE(op.has_value());
  CHECK(op->base == BaseOp::kStringLike);
  CHECK(op->set == SetOp::kForAnyValue);
  CHECK(op->if_exists);
  CHECK(op->name == "ForAnyValue:StringLikeIfExists");
  op = ParseOperator("ForAllValues:StringEquals");
  REQUIRE(op.has_value());
  CHECK(op->set == SetOp::kForAllValues);
  CHECK(ParseOperator("Null").has_value());
  CHECK_FALSE(ParseOperator("NullIfExists").has_value());
  CHECK_FALSE(ParseOperator("ForAnyValue:Null").has_value());
  CHECK_FALSE(ParseOperator("StringSortOf").has_value());
  CHECK_FALSE(ParseOperator("IfExists").has_value());
}

TEST_CASE("every operator parses, negation and kinds") {
  const char* names[] = {"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
                         "StringLike", "StringNotLike", "NumericEquals", "NumericNotEquals", "NumericLessThan",
                         "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals", "DateEquals",
                         "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan",
                         "DateGreaterThanEquals", "Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "ArnEquals",
                         "ArnLike", "ArnNotEquals", "ArnNotLike", "Null"};
  for (const char* name : names) {
    CAPTURE(name);
    CHECK(ParseOperator(name).has_value());
  }
  CHECK(IsNegated(BaseOp::kStringNotLike));
  CHECK(IsNegated(BaseOp::kNotIpAddress));
  CHECK(IsNegated(BaseOp::kArnNotEquals));
  CHECK_FALSE(IsNegated(BaseOp::kStringLike));
  CHECK_FALSE(IsNegated(BaseOp::kNull));
  CHECK(Positive(BaseOp::kDateNotEquals) == BaseOp::kDateEquals);
  CHECK(KindOf(BaseOp::kArnLike) == ValueKind::kArn);
  CHECK(KindOf(BaseOp::kNumericLessThan) == ValueKind::kNumber);
}

}  // namespace
}  // namespace kmslab::policy
