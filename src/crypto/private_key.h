// PrivateKey: a private key decoded once from DER PKCS#8, with its DER
// SubjectPublicKeyInfo encoded once beside it. KMS key material keeps one per
// asymmetric key version, so that no Sign, Verify, Decrypt, GetPublicKey or
// DeriveSharedSecret request parses DER. Immutable once parsed; each
// operation on it makes its own OpenSSL context, so threads share it freely.
#ifndef KMSLAB_CRYPTO_PRIVATE_KEY_H_
#define KMSLAB_CRYPTO_PRIVATE_KEY_H_

#include <openssl/types.h>

#include <memory>
#include <string>

#include "core/secret_bytes.h"
#include "core/status.h"

namespace kmslab::crypto {

class PrivateKey {
 public:
  // Internal error when `pkcs8` is not a DER PKCS#8 private key.
  static core::StatusOr<std::shared_ptr<const PrivateKey>> Parse(const core::SecretBytes& pkcs8);
  ~PrivateKey();
  PrivateKey(const PrivateKey&) = delete;
  PrivateKey& operator=(const PrivateKey&) = delete;

  // The public half as DER SubjectPublicKeyInfo (RFC 5280).
  const std::string& public_key_info() const { return public_key_info_; }
  // For crypto/ only: the OpenSSL key, never to be modified.
  EVP_PKEY* pkey() const { return pkey_; }

 private:
  PrivateKey(EVP_PKEY* pkey, std::string public_key_info) : pkey_(pkey), public_key_info_(std::move(public_key_info)) {}
  EVP_PKEY* pkey_;  // owned
  std::string public_key_info_;
};

}  // namespace kmslab::crypto

#endif  // KMSLAB_CRYPTO_PRIVATE_KEY_H_
