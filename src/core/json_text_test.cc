#include "core/json_text.h"

#include <doctest/doctest.h>

#include <string>

namespace kmslab::core {
namespace {

std::string Nested(int depth, char open = '[', char close = ']') {
  return std::string(static_cast<size_t>(depth), open) + std::string(static_cast<size_t>(depth), close);
}

TEST_CASE("nesting up to the limit passes, one more fails with its offset") {
  CHECK(CheckJsonText(Nested(kMaxJsonDepth)).ok());
  Status deep = CheckJsonText(Nested(kMaxJsonDepth + 1));
  REQUIRE_FALSE(deep.ok());
  CHECK(deep.code() == Code::kInvalidArgument);
  CHECK(deep.message().find("deeper than 128 levels (at byte 128)") != std::string::npos);
  CHECK_FALSE(CheckJsonText(Nested(3, '{', '}'), 2).ok());
  CHECK(CheckJsonText("[[1],[2],[3]]", 2).ok());  // siblings do not add up
}

TEST_CASE("a very deep text is refused without recursion") {
  CHECK_FALSE(CheckJsonText(std::string(1'000'000, '[')).ok());
}

TEST_CASE("brackets inside strings do not count") {
  CHECK(CheckJsonText("{\"a\":\"[[[[[[\\\"[[[[\"}", 2).ok());
  CHECK(CheckJsonText("[\"\\\\\",[1]]", 2).ok());  // an escaped backslash ends before the quote
}

TEST_CASE("UTF-8 is checked everywhere, strictly") {
  CHECK(CheckJsonText("{\"d\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91\"}").ok());
  CHECK_FALSE(CheckJsonText("{\"d\":\"\xff\"}").ok());
  CHECK_FALSE(CheckJsonText("{\"d\":\"\xc3\"}").ok());              // truncated
  CHECK_FALSE(CheckJsonText("{\"d\":\"\xc0\xaf\"}").ok());          // overlong '/'
  CHECK_FALSE(CheckJsonText("{\"d\":\"\xe0\x80\xaf\"}").ok());      // overlong
  CHECK_FALSE(CheckJsonText("{\"d\":\"\xed\xa0\x80\"}").ok());      // an encoded surrogate
  CHECK_FALSE(CheckJsonText("{\"d\":\"\xf4\x90\x80\x80\"}").ok());  // above U+10FFFF
  CHECK_FALSE(CheckJsonText("\xfe{}").ok());                        // outside strings too
  Status bad = CheckJsonText("{\"d\":\"ab\xff\"}");
  CHECK(bad.message() == "Invalid UTF-8 byte 0xff (at byte 8)");
}

TEST_CASE("\\u escapes must not leave a surrogate alone") {
  CHECK(CheckJsonText("\"\\u00e9 \\u0000 \\ud83d\\udd11\"").ok());
  CHECK_FALSE(CheckJsonText("\"\\ud83d\"").ok());
  CHECK_FALSE(CheckJsonText("\"\\ud83dx\"").ok());
  CHECK_FALSE(CheckJsonText("\"\\ud83d\\u0041\"").ok());
  CHECK_FALSE(CheckJsonText("\"\\udd11\"").ok());
  CHECK(CheckJsonText("\"\\uZZZZ\"").ok());  // not an escape we judge: the parser refuses it
}

TEST_CASE("IsValidUtf8") {
  CHECK(IsValidUtf8(""));
  CHECK(IsValidUtf8("plain"));
  CHECK(IsValidUtf8("\xe2\x82\xac"));
  CHECK_FALSE(IsValidUtf8("\xe2\x82"));
  CHECK(Utf8SequenceLength("\xf0\x9f\x94\x91", 0) == 4);
  CHECK(Utf8SequenceLength("\x80", 0) == 0);
}

TEST_CASE("ScrubUtf8 replaces what is not UTF-8 and keeps the rest") {
  CHECK(ScrubUtf8("caf\xc3\xa9") == "caf\xc3\xa9");
  CHECK(ScrubUtf8("a\xff" "b\xc3") == "a\xef\xbf\xbd" "b\xef\xbf\xbd");
  CHECK(IsValidUtf8(ScrubUtf8("\xed\xa0\x80\xf4\x90\x80\x80")));
}

}  // namespace
}  // namespace kmslab::core
