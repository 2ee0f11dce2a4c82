#include "core/status.h"

#include <doctest/doctest.h>

namespace kmslab::core {
namespace {

StatusOr<int> Half(int n) {
  if (n % 2) return InvalidArgument("odd");
  return n / 2;
}

StatusOr<int> Quarter(int n) {
  ASSIGN_OR_RETURN(int half, Half(n));
  ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

TEST_CASE("Status carries code, message and the AWS type") {
  Status ok;
  CHECK(ok.ok());
  CHECK(ok.message().empty());
  Status s(Code::kNotFound, "no such key", "NotFoundException");
  CHECK_FALSE(s.ok());
  CHECK(s.code() == Code::kNotFound);
  CHECK(s.aws_type() == "NotFoundException");
  CHECK(s.ToString() == "NOT_FOUND (NotFoundException): no such key");
}

TEST_CASE("ASSIGN_OR_RETURN propagates the first error") {
  CHECK(*Quarter(8) == 2);
  auto r = Quarter(6);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "odd");
}

}  // namespace
}  // namespace kmslab::core
