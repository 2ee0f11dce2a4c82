#include "crypto/rsa_oaep.h"

#include <doctest/doctest.h>

#include "crypto/asymmetric_key.h"

namespace kmslab::crypto {
namespace {

TEST_CASE("OAEP round-trips under either hash, and nothing else decrypts") {
  auto key = GenerateRsaKey(2048);
  REQUIRE(key.ok());
  auto spki = PublicKeyInfo(*key);
  REQUIRE(spki.ok());
  for (OaepHash hash : {OaepHash::kSha1, OaepHash::kSha256}) {
    const size_t max = OaepMaxPlaintext(256, hash);
    CHECK(max == (hash == OaepHash::kSha1 ? 214u : 190u));
    auto sealed = RsaOaepEncrypt(*spki, hash, std::string(max, 'k'));
    REQUIRE(sealed.ok());
    CHECK(sealed->size() == 256);
    auto opened = RsaOaepDecrypt(*key, hash, *sealed);
    REQUIRE(opened.ok());
    CHECK(opened->Reveal() == std::string(max, 'k'));
    CHECK_FALSE(RsaOaepEncrypt(*spki, hash, std::string(max + 1, 'k')).ok());
    // The other hash, a flipped bit, a short block: all just "does not decrypt".
    const OaepHash other = hash == OaepHash::kSha1 ? OaepHash::kSha256 : OaepHash::kSha1;
    CHECK(RsaOaepDecrypt(*key, other, *sealed).status().code() == core::Code::kInvalidArgument);
    std::string flipped = *sealed;
    flipped[100] ^= 1;
    CHECK(RsaOaepDecrypt(*key, hash, flipped).status().code() == core::Code::kInvalidArgument);
    CHECK(RsaOaepDecrypt(*key, hash, sealed->substr(1)).status().code() == core::Code::kInvalidArgument);
  }
  CHECK_FALSE(RsaOaepEncrypt("not a key", OaepHash::kSha256, "x").ok());
  auto ec = GenerateEcKey(Curve::kP256);
  REQUIRE(ec.ok());
  CHECK_FALSE(RsaOaepEncrypt(PublicKeyInfo(*ec).value(), OaepHash::kSha256, "x").ok());
}

}  // namespace
}  // namespace kmslab::crypto
