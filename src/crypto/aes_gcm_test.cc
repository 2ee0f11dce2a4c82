#include "crypto/aes_gcm.h"

#include <doctest/doctest.h>

#include "core/strings.h"

namespace kmslab::crypto {
namespace {

core::SecretBytes HexKey(std::string_view hex) {
  std::string bytes;
  REQUIRE(core::HexDecode(hex, &bytes));
  return core::SecretBytes(std::move(bytes));
}

std::string Hex(std::string_view hex) {
  std::string bytes;
  REQUIRE(core::HexDecode(hex, &bytes));
  return bytes;
}

// McGrew & Viega, "The Galois/Counter Mode of Operation", test case 16.
TEST_CASE("AesGcmOpen accepts the published AES-256-GCM vector with AAD") {
  auto key = HexKey("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308");
  std::string sealed = Hex("cafebabefacedbaddecaf888") +
                       Hex("522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b10"
                           "56828838c5f61e6393ba7a0abcc9f662") +
                       Hex("76fc6ece0f4e1768cddf8853bb2d551b");
  std::string aad = Hex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
  auto plain = AesGcmOpen(key, sealed, aad);
  REQUIRE(plain.ok());
  CHECK(core::HexEncode(plain->Reveal()) ==
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de6"
        "57ba637b39");
  sealed[20] ^= 1;
  CHECK(AesGcmOpen(key, sealed, aad).status().code() == core::Code::kDataLoss);
}

TEST_CASE("seal then open, and every kind of damage is detected") {
  auto key = HexKey(std::string(64, '7'));
  auto sealed = AesGcmSeal(key, "secret", "aad");
  REQUIRE(sealed.ok());
  CHECK(sealed->size() == kGcmIvBytes + 6 + kGcmTagBytes);
  CHECK(AesGcmOpen(key, *sealed, "aad")->Reveal() == "secret");
  CHECK_FALSE(AesGcmOpen(key, *sealed, "aaD").ok());
  CHECK_FALSE(AesGcmOpen(key, sealed->substr(0, sealed->size() - 1), "aad").ok());
  CHECK_FALSE(AesGcmOpen(key, "short", "aad").ok());
  CHECK_FALSE(AesGcmOpen(HexKey(std::string(64, '8')), *sealed, "aad").ok());
  CHECK(AesGcmSeal(key, "x", "")->substr(0, kGcmIvBytes) != AesGcmSeal(key, "x", "")->substr(0, kGcmIvBytes));
}

}  // namespace
}  // namespace kmslab::crypto
