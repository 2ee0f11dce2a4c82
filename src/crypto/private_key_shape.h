// What a DER PKCS#8 private key holds (algorithm, RSA size, EC curve), for
// checking imported key material against a KMS key spec. Thread-safe.
#ifndef KMSLAB_CRYPTO_PRIVATE_KEY_SHAPE_H_
#define KMSLAB_CRYPTO_PRIVATE_KEY_SHAPE_H_

#include <optional>

#include "core/secret_bytes.h"
#include "core/status.h"
#include "crypto/asymmetric_key.h"

namespace kmslab::crypto {

enum class PrivateKeyType { kRsa, kEc, kEd25519, kOther };

struct PrivateKeyShape {
  PrivateKeyType type = PrivateKeyType::kOther;
  int rsa_bits = 0;            // kRsa: the modulus size
  std::optional<Curve> curve;  // kEc: the named curve, when it is one kmslab knows
};

// InvalidArgument unless `der` is a DER PKCS#8 private key whose
// private and public halves agree.
core::StatusOr<PrivateKeyShape> DescribePrivateKey(const core::SecretBytes& der);

}  // namespace kmslab::crypto

#endif  // KMSLAB_CRYPTO_PRIVATE_KEY_SHAPE_H_
