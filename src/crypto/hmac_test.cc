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

TEST_CASE("HMAC over every SHA-2 size matches RFC 4231 test case 2") {
  const core::SecretBytes key{std::string("Jefe")};
  const std::string data = "what do ya want for nothing?";
  CHECK(core::HexEncode(Hmac(Hash::kSha224, key, data)) ==
        "a30e01098bc6dbbf45690f3a7e9e6d0f8bbea2a39e6148008fd05e44");
  CHECK(core::HexEncode(Hmac(Hash::kSha256, key, data)) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  CHECK(core::HexEncode(Hmac(Hash::kSha384, key, data)) ==
        "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
        "8e2240ca5e69e2c78b3239ecfab21649");
  CHECK(core::HexEncode(Hmac(Hash::kSha512, key, data)) ==
        "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
        "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
  for (Hash h : {Hash::kSha224, Hash::kSha256, Hash::kSha384, Hash::kSha512}) {
    CHECK(HashOf(h, "abc").size() == HashLength(h));
  }
  CHECK(core::HexEncode(HashOf(Hash::kSha512, "abc")).starts_with("ddaf35a193617aba"));
}

}  // namespace
}  // namespace kmslab::crypto
