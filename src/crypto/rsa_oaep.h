// RSAES-OAEP (RFC 8017) as KMS uses it: the same hash for the digest and
// MGF1, an empty label. For RSA ENCRYPT_DECRYPT keys and for unwrapping
// imported key material. Thread-safe.
#ifndef KMSLAB_CRYPTO_RSA_OAEP_H_
#define KMSLAB_CRYPTO_RSA_OAEP_H_

#include <string>
#include <string_view>

#include "core/secret_bytes.h"
#include "core/status.h"
#include "crypto/private_key.h"

namespace kmslab::crypto {

enum class OaepHash { kSha1, kSha256 };

// The most plaintext one OAEP block holds under a modulus of
// `modulus_bytes`: modulus - 2 * hash length - 2.
size_t OaepMaxPlaintext(size_t modulus_bytes, OaepHash hash);

// Encrypts `plaintext` to the RSA public key `public_key_info` (DER
// SubjectPublicKeyInfo). InvalidArgument when the key is not RSA or the
// plaintext does not fit.
core::StatusOr<std::string> RsaOaepEncrypt(std::string_view public_key_info, OaepHash hash,
                                           std::string_view plaintext);
// The same to the public half of `key`.
core::StatusOr<std::string> RsaOaepEncrypt(const PrivateKey& key, OaepHash hash, std::string_view plaintext);

// Decrypts with the RSA private key `private_key` (DER PKCS#8).
// InvalidArgument for any ciphertext that does not decrypt (wrong key, wrong
// hash, wrong length, tampered): callers answer it as an invalid ciphertext.
core::StatusOr<core::SecretBytes> RsaOaepDecrypt(const PrivateKey& private_key, OaepHash hash,
                                                 std::string_view ciphertext);
// The same from DER PKCS#8, parsed for this one call.
core::StatusOr<core::SecretBytes> RsaOaepDecrypt(const core::SecretBytes& private_key, OaepHash hash,
                                                 std::string_view ciphertext);

}  // namespace kmslab::crypto

#endif  // KMSLAB_CRYPTO_RSA_OAEP_H_
