#include "crypto/openssl_pkey.h"

#include <openssl/err.h>

#include <string>

namespace kmslab::crypto {

core::Status OpenSslError(const char* what) {
  ERR_clear_error();
  return core::Internal(std::string("OpenSSL: ") + what + " failed");
}

core::StatusOr<Pkey> FromPkcs8(const core::SecretBytes& private_key) {
  const std::string_view der = private_key.Reveal();
  auto p = Bytes(der);
  std::unique_ptr<PKCS8_PRIV_KEY_INFO, Pkcs8Free> info(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(der.size())));
  if (!info) return OpenSslError("PKCS#8 decoding");
  Pkey key(EVP_PKCS82PKEY(info.get()));
  if (!key) return OpenSslError("PKCS#8 key");
  return key;
}

core::StatusOr<Pkey> FromPublicKeyInfo(std::string_view der) {
  auto p = Bytes(der);
  Pkey key(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
  if (!key || p != Bytes(der) + der.size()) {
    ERR_clear_error();
    return core::InvalidArgument("not a DER SubjectPublicKeyInfo");
  }
  return key;
}

}  // namespace kmslab::crypto
