// SHA-2 digests and HMAC: SHA-256 and HMAC-SHA256 as SigV4 needs them (no
// allocation), and HMAC over any SHA-2 size for KMS HMAC keys. Thread-safe.
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

// The SHA-2 functions KMS signing and HMAC keys use.
enum class Hash { kSha224, kSha256, kSha384, kSha512 };

// The digest length in bytes: 28, 32, 48 or 64.
size_t HashLength(Hash hash);
// The digest of `data`.
std::string HashOf(Hash hash, std::string_view data);
// RFC 2104 HMAC of `data` under `key` (any length), HashLength(hash) bytes.
std::string Hmac(Hash hash, const core::SecretBytes& key, std::string_view data);

// Constant-time comparison of two byte strings.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace kmslab::crypto

#endif  // KMSLAB_CRYPTO_HMAC_H_
