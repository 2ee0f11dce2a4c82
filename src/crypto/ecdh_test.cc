#include "crypto/ecdh.h"

#include <doctest/doctest.h>

#include "crypto/asymmetric_key.h"

namespace kmslab::crypto {
namespace {

core::SecretBytes Must(core::StatusOr<core::SecretBytes> key) {
  REQUIRE(key.ok());
  return std::move(key).value();
}

TEST_CASE("both peers derive the same x-coordinate, of the curve's field size") {
  for (auto [curve, size] : {std::pair{Curve::kP256, 32u}, {Curve::kP384, 48u}, {Curve::kP521, 66u}}) {
    const core::SecretBytes a = Must(GenerateEcKey(curve));
    const core::SecretBytes b = Must(GenerateEcKey(curve));
    auto ab = DeriveEcdhSecret(a, PublicKeyInfo(b).value());
    auto ba = DeriveEcdhSecret(b, PublicKeyInfo(a).value());
    REQUIRE(ab.ok());
    REQUIRE(ba.ok());
    CHECK(ab->size() == size);
    CHECK(ab->Reveal() == ba->Reveal());
    const core::SecretBytes c = Must(GenerateEcKey(curve));
    CHECK(DeriveEcdhSecret(a, PublicKeyInfo(c).value())->Reveal() != ab->Reveal());
  }
}

TEST_CASE("a peer key that is not a point on the key's curve is the caller's error") {
  const core::SecretBytes p256 = Must(GenerateEcKey(Curve::kP256));
  const std::string p384_public = PublicKeyInfo(Must(GenerateEcKey(Curve::kP384))).value();
  const std::string rsa_public = PublicKeyInfo(Must(GenerateRsaKey(2048))).value();
  const std::string ed_public = PublicKeyInfo(Must(GenerateEd25519Key())).value();
  std::string off_curve = PublicKeyInfo(Must(GenerateEcKey(Curve::kP256))).value();
  off_curve.back() ^= 1;  // the point's y no longer fits its x
  for (const std::string& peer : {p384_public, rsa_public, ed_public, off_curve, std::string("garbage"),
                                  std::string()}) {
    CHECK(DeriveEcdhSecret(p256, peer).status().code() == core::Code::kInvalidArgument);
  }
  // The key itself must be an EC key: that is kmslab's error, not the caller's.
  const core::SecretBytes rsa = Must(GenerateRsaKey(2048));
  CHECK(DeriveEcdhSecret(rsa, p384_public).status().code() == core::Code::kInternal);
}

}  // namespace
}  // namespace kmslab::crypto
