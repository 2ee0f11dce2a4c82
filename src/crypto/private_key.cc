#include "crypto/private_key.h"

#include <openssl/crypto.h>
#include <openssl/x509.h>

#include "crypto/openssl_pkey.h"

namespace kmslab::crypto {

core::StatusOr<std::shared_ptr<const PrivateKey>> PrivateKey::Parse(const core::SecretBytes& pkcs8) {
  ASSIGN_OR_RETURN(Pkey key, FromPkcs8(pkcs8));
  unsigned char* der = nullptr;
  const int len = i2d_PUBKEY(key.get(), &der);
  if (len <= 0) return OpenSslError("SubjectPublicKeyInfo encoding");
  std::string public_key_info(reinterpret_cast<const char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return std::shared_ptr<const PrivateKey>(new PrivateKey(key.release(), std::move(public_key_info)));
}

PrivateKey::~PrivateKey() { EVP_PKEY_free(pkey_); }

}  // namespace kmslab::crypto
