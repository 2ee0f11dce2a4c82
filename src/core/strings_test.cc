#include "core/strings.h"

#include <doctest/doctest.h>

#include "core/random.h"

namespace kmslab::core {
namespace {

TEST_CASE("hex round trip and rejection") {
  std::string out;
  CHECK(HexEncode(std::string("\x00\xff\x10", 3)) == "00ff10");
  CHECK(HexDecode("00FF10", &out));
  CHECK(out == std::string("\x00\xff\x10", 3));
  CHECK_FALSE(HexDecode("abc", &out));
  CHECK_FALSE(HexDecode("zz", &out));
}

TEST_CASE("UUIDs are lowercase canonical version 4") {
  std::string id = NewUuid();
  CHECK(IsLowerUuid(id));
  CHECK(id[14] == '4');
  CHECK(std::string("89ab").find(id[19]) != std::string::npos);  // RFC 4122 variant
  CHECK(NewUuid() != id);
  CHECK_FALSE(IsLowerUuid("1234ABCD-12ab-34cd-56ef-1234567890ab"));
}

TEST_CASE("ISO 8601 and X-Amz-Date formatting") {
  CHECK(FormatIso8601(0) == "1970-01-01T00:00:00Z");
  CHECK(FormatAmzDate(1440938160000) == "20150830T123600Z");
  CHECK(ParseAmzDate("20150830T123600Z") == 1440938160000);
  CHECK(ParseAmzDate("20150830T123600") == -1);
  CHECK(ParseAmzDate("2015083XT123600Z") == -1);
  CHECK(FormatIso8601(951782400000) == "2000-02-29T00:00:00Z");
  CHECK(FormatIso8601(4102444799000) == "2099-12-31T23:59:59Z");
  for (int64_t t : {0LL, 951782400000LL, 1795398489000LL, 4102444799000LL}) CHECK(ParseAmzDate(FormatAmzDate(t)) == t);
}

TEST_CASE("case-insensitive comparison") {
  CHECK(EqualsIgnoreCase("kms:Decrypt", "KMS:DECRYPT"));
  CHECK_FALSE(EqualsIgnoreCase("a", "ab"));
}

}  // namespace
}  // namespace kmslab::core
