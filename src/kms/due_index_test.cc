#include "kms/due_index.h"

#include <doctest/doctest.h>

namespace kmslab::kms {
namespace {

TEST_CASE("DueIndex keeps one due time per key, earliest first") {
  DueIndex due;
  CHECK(due.Earliest() == DueIndex::kNever);
  due.Set("a", 30);
  due.Set("b", 10);
  due.Set("c", 20);
  CHECK(due.Earliest() == 10);
  CHECK(due.DueBy(20) == std::vector<std::string>{"b", "c"});
  due.Set("b", 40);  // rotated: its next rotation replaces the old date
  CHECK(due.DueBy(35) == std::vector<std::string>{"c", "a"});
  due.Set("c", DueIndex::kNever);  // nothing scheduled any more
  due.Erase("a");                  // deleted
  due.Erase("nobody");
  CHECK(due.Earliest() == 40);
  CHECK(due.DueBy(39).empty());
  due.Clear();
  CHECK(due.DueBy(DueIndex::kNever - 1).empty());
}

}  // namespace
}  // namespace kmslab::kms
