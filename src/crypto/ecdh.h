// Elliptic-curve Diffie-Hellman (SEC 1 section 3.3.1) as KMS DeriveSharedSecret
// does it: the shared secret is the x-coordinate of the product point, padded
// to the curve's field size (32, 48 or 66 bytes for P-256, P-384, P-521).
// Thread-safe.
#ifndef KMSLAB_CRYPTO_ECDH_H_
#define KMSLAB_CRYPTO_ECDH_H_

#include <string_view>

#include "core/secret_bytes.h"
#include "core/status.h"
#include "crypto/private_key.h"

namespace kmslab::crypto {

// The secret between the EC private key `private_key` (DER PKCS#8) and the
// peer's public key `peer_public_key_info` (DER SubjectPublicKeyInfo).
// InvalidArgument when the peer key does not parse, is not an EC key, is on
// another curve or is not a valid point: the caller's input. Internal when
// `private_key` is not an EC key.
core::StatusOr<core::SecretBytes> DeriveEcdhSecret(const PrivateKey& private_key,
                                                   std::string_view peer_public_key_info);
// The same from DER PKCS#8, parsed for this one call.
core::StatusOr<core::SecretBytes> DeriveEcdhSecret(const core::SecretBytes& private_key,
                                                   std::string_view peer_public_key_info);

}  // namespace kmslab::crypto

#endif  // KMSLAB_CRYPTO_ECDH_H_
