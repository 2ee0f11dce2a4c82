#include "core/crc32.h"

#include <doctest/doctest.h>

#include <string>

namespace kmslab::core {

TEST_CASE("Crc32 matches the standard check values") {
  CHECK(Crc32("") == 0u);
  CHECK(Crc32("123456789") == 0xCBF43926u);
  CHECK(Crc32("The quick brown fox jumps over the lazy dog") == 0x414FA339u);
  // The value zlib.crc32(b'{}') gives, as DynamoDB sends it for an empty result.
  CHECK(Crc32("{}") == 2745614147u);
  // Every byte value takes part.
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  CHECK(Crc32(all) == 0x29058C73u);
}

}  // namespace kmslab::core
