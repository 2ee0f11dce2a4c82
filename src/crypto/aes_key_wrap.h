// AES Key Wrap with Padding (RFC 5649), via OpenSSL's wrap-pad ciphers with
// the RFC's default alternative IV. KMS uses it for the second half of the
// RSA_AES_KEY_WRAP_* import formats. Thread-safe.
#ifndef KMSLAB_CRYPTO_AES_KEY_WRAP_H_
#define KMSLAB_CRYPTO_AES_KEY_WRAP_H_

#include <string>
#include <string_view>

#include "core/secret_bytes.h"
#include "core/status.h"

namespace kmslab::crypto {

// Wraps `plaintext` (1 byte or more) under `kek` (16, 24 or 32 bytes: AES-128,
// -192 or -256). The result is 8 bytes longer than the plaintext padded to a
// multiple of 8. InvalidArgument for a bad KEK size or an empty plaintext.
core::StatusOr<std::string> AesKeyWrapPad(const core::SecretBytes& kek, std::string_view plaintext);

// Inverse of AesKeyWrapPad. InvalidArgument for anything that does not unwrap
// (wrong KEK, tampered, truncated, bad length): callers answer it as an
// invalid ciphertext.
core::StatusOr<core::SecretBytes> AesKeyUnwrapPad(const core::SecretBytes& kek, std::string_view wrapped);

}  // namespace kmslab::crypto

#endif  // KMSLAB_CRYPTO_AES_KEY_WRAP_H_
