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
  CHECK(NewUuid() != id);
  CHECK_FALSE(IsLowerUuid("1234ABCD-12ab-34cd-56ef-1234567890ab"));
}

TEST_CASE("ISO 8601 formatting") { CHECK(FormatIso8601(0) == "1970-01-01T00:00:00Z"); }

TEST_CASE("case-insensitive comparison") {
  CHECK(EqualsIgnoreCase("kms:Decrypt", "KMS:DECRYPT"));
  CHECK_FALSE(EqualsIgnoreCase("a", "ab"));
}

}  // namespace
}  // namespace kmslab::core
