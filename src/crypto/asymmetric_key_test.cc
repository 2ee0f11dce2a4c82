#include "crypto/asymmetric_key.h"

#include <doctest/doctest.h>

#include "core/strings.h"

namespace kmslab::crypto {
namespace {

core::SecretBytes Must(core::StatusOr<core::SecretBytes> key) {
  REQUIRE(key.ok());
  return std::move(key).value();
}

// Signs and verifies `message` under `key`, and checks that a changed
// message, a changed signature and another key all fail verification.
void SignsAndVerifies(const core::SecretBytes& key, const core::SecretBytes& other, SignatureParams params) {
  const std::string message = "the message";
  const std::string input = params.scheme == SignatureScheme::kEd25519 ? message : HashOf(params.hash, message);
  auto signature = Sign(key, params, input);
  REQUIRE(signature.ok());
  CHECK(Verify(key, params, input, *signature).value());
  std::string flipped = *signature;
  flipped[flipped.size() / 2] ^= 1;
  CHECK_FALSE(Verify(key, params, input, flipped).value());
  std::string other_input = input;
  other_input[0] ^= 1;
  CHECK_FALSE(Verify(key, params, other_input, *signature).value());
  CHECK_FALSE(Verify(other, params, input, *signature).value());
  CHECK_FALSE(Verify(key, params, input, "").value());
}

TEST_CASE("RSA keys: PKCS#8 in, SPKI out, PKCS#1 v1.5 and PSS signatures of modulus length") {
  const core::SecretBytes key = Must(GenerateRsaKey(2048));
  const core::SecretBytes other = Must(GenerateRsaKey(2048));
  CHECK(PublicKeyInfo(key)->size() == 294);
  for (Hash hash : {Hash::kSha256, Hash::kSha384, Hash::kSha512}) {
    for (SignatureScheme scheme : {SignatureScheme::kRsaPkcs1V15, SignatureScheme::kRsaPss}) {
      SignsAndVerifies(key, other, {scheme, hash});
      CHECK(Sign(key, {scheme, hash}, HashOf(hash, "m"))->size() == 256);
    }
  }
  // PKCS#1 v1.5 is deterministic; PSS is salted.
  const std::string digest = HashOf(Hash::kSha256, "m");
  CHECK(*Sign(key, {SignatureScheme::kRsaPkcs1V15, Hash::kSha256}, digest) ==
        *Sign(key, {SignatureScheme::kRsaPkcs1V15, Hash::kSha256}, digest));
  CHECK(*Sign(key, {SignatureScheme::kRsaPss, Hash::kSha256}, digest) !=
        *Sign(key, {SignatureScheme::kRsaPss, Hash::kSha256}, digest));
  CHECK(PublicKeyInfo(Must(GenerateRsaKey(3072)))->size() == 422);
}

TEST_CASE("EC keys: named-curve SPKI sizes and DER ECDSA") {
  struct Case {
    Curve curve;
    Hash hash;
    size_t spki;
  };
  for (const Case& c : {Case{Curve::kP256, Hash::kSha256, 91}, Case{Curve::kP384, Hash::kSha384, 120},
                        Case{Curve::kP521, Hash::kSha512, 158}, Case{Curve::kSecp256k1, Hash::kSha256, 88}}) {
    const core::SecretBytes key = Must(GenerateEcKey(c.curve));
    CHECK(PublicKeyInfo(key)->size() == c.spki);
    SignsAndVerifies(key, Must(GenerateEcKey(c.curve)), {SignatureScheme::kEcdsa, c.hash});
    CHECK(Sign(key, {SignatureScheme::kEcdsa, c.hash}, HashOf(c.hash, "m"))->at(0) == 0x30);  // DER SEQUENCE
  }
}

TEST_CASE("Ed25519 keys sign the message itself: 64-byte deterministic signatures") {
  const core::SecretBytes key = Must(GenerateEd25519Key());
  CHECK(PublicKeyInfo(key)->size() == 44);
  const SignatureParams params{SignatureScheme::kEd25519, Hash::kSha512};
  SignsAndVerifies(key, Must(GenerateEd25519Key()), params);
  CHECK(Sign(key, params, "m")->size() == 64);
  CHECK(*Sign(key, params, "m") == *Sign(key, params, "m"));
}

TEST_CASE("a key that does not fit the scheme, or no key at all, is an error, never a signature") {
  const core::SecretBytes ec = Must(GenerateEcKey(Curve::kP256));
  CHECK_FALSE(Sign(ec, {SignatureScheme::kRsaPss, Hash::kSha256}, HashOf(Hash::kSha256, "m")).ok());
  CHECK_FALSE(Verify(ec, {SignatureScheme::kEd25519, Hash::kSha512}, "m", "sig").ok());
  CHECK_FALSE(PublicKeyInfo(core::SecretBytes(std::string("not a key"))).ok());
}

TEST_CASE("private keys are PKCS#8: the RSA encryption OID sits in the AlgorithmIdentifier") {
  const core::SecretBytes key = Must(GenerateRsaKey(2048));
  CHECK(core::HexEncode(key.Reveal()).find("2a864886f70d010101") != std::string::npos);
}

}  // namespace
}  // namespace kmslab::crypto
