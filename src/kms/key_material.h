// Fresh key material for a key spec, as the registry wraps and stores it:
// 32 random bytes (AES-256) for SYMMETRIC_DEFAULT, the spec's length of
// random bytes for HMAC keys, a DER PKCS#8 private key for RSA and ECC keys.
#ifndef KMSLAB_KMS_KEY_MATERIAL_H_
#define KMSLAB_KMS_KEY_MATERIAL_H_

#include "core/secret_bytes.h"
#include "core/status.h"
#include "crypto/private_key.h"
#include "kms/key_spec.h"

#include <memory>

namespace kmslab::kms {

// kFailedPrecondition for specs kmslab cannot make (ML-DSA, SM2).
core::StatusOr<core::SecretBytes> GenerateKeyMaterial(KeySpec spec);

// Whether GenerateKeyMaterial can make material for `spec`.
bool CanGenerate(KeySpec spec);

// For an RSA or ECC spec, `bytes` (DER PKCS#8) parsed; null for symmetric and
// HMAC specs and for empty bytes (imported material not held). Internal when
// the bytes do not parse.
core::StatusOr<std::shared_ptr<const crypto::PrivateKey>> ParsePrivateKey(KeySpec spec,
                                                                          const core::SecretBytes& bytes);

}  // namespace kmslab::kms

#endif  // KMSLAB_KMS_KEY_MATERIAL_H_
