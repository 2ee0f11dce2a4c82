// AES-256-GCM sealing with a random 96-bit IV, via OpenSSL EVP.
// Sealed layout: IV (12) || ciphertext || tag (16). Thread-safe.
#ifndef KMSLAB_CRYPTO_AES_GCM_H_
#define KMSLAB_CRYPTO_AES_GCM_H_

#include <string>
#include <string_view>

#include "core/secret_bytes.h"
#include "core/status.h"

namespace kmslab::crypto {

inline constexpr size_t kAesKeyBytes = 32;
inline constexpr size_t kGcmIvBytes = 12;
inline constexpr size_t kGcmTagBytes = 16;

// `key` must be 32 bytes. Binds `aad` as additional authenticated data.
core::StatusOr<std::string> AesGcmSeal(const core::SecretBytes& key, std::string_view plaintext,
                                       std::string_view aad);

// Inverse of AesGcmSeal. Any tampering, truncation or a different `aad` gives
// a kDataLoss status and no plaintext.
core::StatusOr<core::SecretBytes> AesGcmOpen(const core::SecretBytes& key, std::string_view sealed,
                                             std::string_view aad);

}  // namespace kmslab::crypto

#endif  // KMSLAB_CRYPTO_AES_GCM_H_
