#include "ddb/scan_segment.h"

#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

namespace kmslab::ddb {
namespace {

TEST_CASE("one segment holds everything") {
  for (const std::string& key : std::vector<std::string>{"", "a", "pk-17", std::string("\0\xff", 2)}) {
    CHECK(SegmentOf(key, 1) == 0);
  }
}

TEST_CASE("segments are stable, in range, and all used") {
  CHECK(SegmentOf("a", 1000000) == SegmentOf("a", 1000000));
  // FNV-1a of "a" is 0xaf63dc4c8601ec8c.
  CHECK(SegmentOf("a", 1000000) == static_cast<int64_t>(0xaf63dc4c8601ec8cULL % 1000000));
  std::set<int64_t> used;
  for (int i = 0; i < 200; ++i) {
    const int64_t segment = SegmentOf("pk-" + std::to_string(i), 4);
    CHECK(segment >= 0);
    CHECK(segment < 4);
    used.insert(segment);
  }
  CHECK(used.size() == 4);
}

TEST_CASE("the hash reads every byte, not only text") {
  CHECK(SegmentOf(std::string("a\0b", 3), 1000000) != SegmentOf("a", 1000000));
  CHECK(SegmentOf(std::string("\xff", 1), 1000000) != SegmentOf(std::string("\x7f", 1), 1000000));
}

}  // namespace
}  // namespace kmslab::ddb
