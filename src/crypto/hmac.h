// SHA-256 and HMAC-SHA256, as SigV4 needs them. Thread-safe.
#ifndef KMSLAB_CRYPTO_HMAC_H_
#define KMSLAB_CRYPTO_HMAC_H_

#include <string>
#include <string_view>

namespace kmslab::crypto {

// Raw 32-byte digests.
std::string Sha256(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);

// Constant-time comparison of two byte strings.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace kmslab::crypto

#endif  // KMSLAB_CRYPTO_HMAC_H_
