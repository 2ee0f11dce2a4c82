#include "crypto/aes_key_wrap.h"

#include <doctest/doctest.h>

#include "core/strings.h"

namespace kmslab::crypto {
namespace {

std::string Hex(std::string_view hex) {
  std::string out;
  REQUIRE(core::HexDecode(hex, &out));
  return out;
}

core::SecretBytes Kek() { return core::SecretBytes(Hex("5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8")); }

TEST_CASE("RFC 5649 section 6 test vectors wrap and unwrap") {
  struct Vector {
    const char* key;
    const char* wrapped;
  };
  for (const Vector& v : {Vector{"c37b7e6492584340bed12207808941155068f738",
                                 "138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a"},
                          Vector{"466f7250617369", "afbeb0f07dfbf5419200f2ccb50bb24f"}}) {
    auto wrapped = AesKeyWrapPad(Kek(), Hex(v.key));
    REQUIRE(wrapped.ok());
    CHECK(core::HexEncode(*wrapped) == v.wrapped);
    auto unwrapped = AesKeyUnwrapPad(Kek(), Hex(v.wrapped));
    REQUIRE(unwrapped.ok());
    CHECK(unwrapped->Reveal() == Hex(v.key));
  }
}

TEST_CASE("AES-256 round trip of a 32-byte key and a PKCS#8-sized blob") {
  const core::SecretBytes kek(std::string(32, '\x42'));
  for (size_t n : {size_t{1}, size_t{32}, size_t{1217}}) {
    const std::string key(n, 'k');
    auto wrapped = AesKeyWrapPad(kek, key);
    REQUIRE(wrapped.ok());
    CHECK(wrapped->size() == (n + 7) / 8 * 8 + 8);
    auto unwrapped = AesKeyUnwrapPad(kek, *wrapped);
    REQUIRE(unwrapped.ok());
    CHECK(unwrapped->Reveal() == key);
  }
}

TEST_CASE("anything else does not unwrap") {
  const std::string wrapped = Hex("138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a");
  std::string flipped = wrapped;
  flipped[5] ^= 1;
  CHECK(AesKeyUnwrapPad(Kek(), flipped).status().code() == core::Code::kInvalidArgument);
  CHECK(AesKeyUnwrapPad(core::SecretBytes(std::string(24, '\0')), wrapped).status().code() ==
        core::Code::kInvalidArgument);
  CHECK(AesKeyUnwrapPad(Kek(), wrapped.substr(8)).status().code() == core::Code::kInvalidArgument);
  CHECK(AesKeyUnwrapPad(Kek(), wrapped.substr(1)).status().code() == core::Code::kInvalidArgument);
  CHECK(AesKeyUnwrapPad(Kek(), "").status().code() == core::Code::kInvalidArgument);
  CHECK(AesKeyUnwrapPad(core::SecretBytes(std::string(20, 'x')), wrapped).status().code() ==
        core::Code::kInvalidArgument);
  CHECK(AesKeyWrapPad(Kek(), "").status().code() == core::Code::kInvalidArgument);
}

}  // namespace
}  // namespace kmslab::crypto
