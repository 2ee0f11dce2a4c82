#include "crypto/hmac.h"

#include <doctest/doctest.h>

#include "core/strings.h"

namespace kmslab::crypto {
namespace {

TEST_CASE("SHA-256 and HMAC-SHA256 match published vectors") {
  CHECK(core::HexEncode(View(Sha256(""))) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(core::HexEncode(View(Sha256("abc"))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // RFC 4231 test case 2.
  CHECK(core::HexEncode(View(HmacSha256("Jefe", "what do ya want for nothing?"))) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // RFC 4231 test case 6: a key longer than the block is hashed first.
  CHECK(core::HexEncode(View(HmacSha256(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First"))) ==
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  CHECK(ConstantTimeEquals("abc", "abc"));
  CHECK_FALSE(ConstantTimeEquals("abc", "abd"));
  CHECK_FALSE(ConstantTimeEquals("abc", "ab"));
}

TEST_CASE("DeriveKey is HMAC-SHA256 of the label under the key") {
  const core::SecretBytes key{std::string("Jefe")};
  CHECK(core::HexEncode(DeriveKey(key, "what do ya want for nothing?").Reveal()) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

}  // namespace
}  // namespace kmslab::crypto
