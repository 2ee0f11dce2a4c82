// SHA-256 and HMAC-SHA256, as SigV4 needs them. Thread-safe.
#ifndef KMSLAB_CRYPTO_HMAC_H_
#define KMSLAB_CRYPTO_HMAC_H_

#include <array>
#include <string>
#include <string_view>

#include "core/secret_bytes.h"

namespace kmslab::crypto {

// A raw 32-byte digest, returned by value so hashing allocates nothing.
using Digest = std::array<unsigned char, 32>;

// The digest's bytes as a string_view (valid while `d` lives).
inline std::string_view View(const Digest& d) { return {reinterpret_cast<const char*>(d.data()), d.size()}; }

Digest Sha256(std::string_view data);
Digest HmacSha256(std::string_view key, std::string_view data);

// HMAC-SHA256(key, label) as a new secret key; no copy of it is left behind.
core::SecretBytes DeriveKey(const core::SecretBytes& key, std::string_view label);

// Constant-time comparison of two byte strings.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace kmslab::crypto

#endif  // KMSLAB_CRYPTO_HMAC_H_
