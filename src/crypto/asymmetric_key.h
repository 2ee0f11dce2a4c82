// Asymmetric key pairs for KMS signing keys: generation (private key as DER
// PKCS#8), the public key (DER SubjectPublicKeyInfo), signing and
// verification. Private keys only ever pass through core::SecretBytes.
// Thread-safe.
#ifndef KMSLAB_CRYPTO_ASYMMETRIC_KEY_H_
#define KMSLAB_CRYPTO_ASYMMETRIC_KEY_H_

#include <string>
#include <string_view>

#include "core/secret_bytes.h"
#include "core/status.h"
#include "crypto/hmac.h"
#include "crypto/private_key.h"

namespace kmslab::crypto {

enum class Curve { kP256, kP384, kP521, kSecp256k1 };

// A fresh private key as DER PKCS#8 (RFC 5958).
core::StatusOr<core::SecretBytes> GenerateRsaKey(int modulus_bits);
core::StatusOr<core::SecretBytes> GenerateEcKey(Curve curve);
core::StatusOr<core::SecretBytes> GenerateEd25519Key();

// For fuzz harnesses only (tests/fuzz/fuzz_stack.cc); kmslab never calls it.
// From then on GenerateRsaKey hands out one key per modulus size for the rest
// of the process: a prime search takes up to seconds under the sanitizers,
// and inputs that create RSA keys would otherwise be most of a fuzzer's time.
void ReuseRsaKeysForFuzzing();

// The DER SubjectPublicKeyInfo (RFC 5280) of a PKCS#8 private key; EC points
// uncompressed, curves named. (A parsed PrivateKey has it at hand.)
core::StatusOr<std::string> PublicKeyInfo(const core::SecretBytes& private_key);

enum class SignatureScheme {
  kRsaPkcs1V15,  // RSASSA-PKCS1-v1_5
  kRsaPss,       // RSASSA-PSS, MGF1 with the same hash, salt = hash length
  kEcdsa,        // DER SEQUENCE{r, s}
  kEd25519,      // pure Ed25519 (RFC 8032), over the message itself
};

struct SignatureParams {
  SignatureScheme scheme;
  Hash hash;  // the digest signed; unused by kEd25519
};

// Signs `input`: the message's digest under params.hash, or for kEd25519 the
// message. Internal error when the key does not fit the scheme.
core::StatusOr<std::string> Sign(const PrivateKey& private_key, const SignatureParams& params, std::string_view input);
// Whether `signature` is params' signature of `input` (as Sign takes it)
// under the public half of `private_key`.
core::StatusOr<bool> Verify(const PrivateKey& private_key, const SignatureParams& params, std::string_view input,
                            std::string_view signature);
// The same from DER PKCS#8, parsed for this one call.
core::StatusOr<std::string> Sign(const core::SecretBytes& private_key, const SignatureParams& params,
                                 std::string_view input);
core::StatusOr<bool> Verify(const core::SecretBytes& private_key, const SignatureParams& params, std::string_view input,
                            std::string_view signature);

}  // namespace kmslab::crypto

#endif  // KMSLAB_CRYPTO_ASYMMETRIC_KEY_H_
