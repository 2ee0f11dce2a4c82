#include "crypto/ecdh.h"

#include <openssl/crypto.h>
#include <openssl/err.h>

#include <string>

#include "crypto/openssl_pkey.h"

namespace kmslab::crypto {

namespace {

// The curve's name ("prime256v1"), empty when `key` is not an EC key.
std::string GroupName(EVP_PKEY* key) {
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) return "";
  char name[80] = {};
  size_t len = 0;
  if (EVP_PKEY_get_group_name(key, name, sizeof(name), &len) != 1) return "";
  return std::string(name, len);
}

}  // namespace

core::StatusOr<core::SecretBytes> DeriveEcdhSecret(const core::SecretBytes& private_key,
                                                   std::string_view peer_public_key_info) {
  ASSIGN_OR_RETURN(std::shared_ptr<const PrivateKey> own, PrivateKey::Parse(private_key));
  return DeriveEcdhSecret(*own, peer_public_key_info);
}

core::StatusOr<core::SecretBytes> DeriveEcdhSecret(const PrivateKey& private_key,
                                                   std::string_view peer_public_key_info) {
  EVP_PKEY* own = private_key.pkey();
  const std::string curve = GroupName(own);
  if (curve.empty()) return core::Internal("ECDH needs an EC private key");
  ASSIGN_OR_RETURN(Pkey peer, FromPublicKeyInfo(peer_public_key_info));
  if (GroupName(peer.get()) != curve) return core::InvalidArgument("the peer key is not on the key's curve");
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, own, nullptr));
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1) return OpenSslError("ECDH setup");
  // validate_peer = 1: the peer point must be on the curve.
  if (EVP_PKEY_derive_set_peer_ex(ctx.get(), peer.get(), 1) != 1) {
    ERR_clear_error();
    return core::InvalidArgument("the peer key is not a valid point");
  }
  size_t len = 0;
  if (EVP_PKEY_derive(ctx.get(), nullptr, &len) != 1) return OpenSslError("ECDH length");
  std::string secret(len, '\0');
  if (EVP_PKEY_derive(ctx.get(), reinterpret_cast<unsigned char*>(secret.data()), &len) != 1) {
    OPENSSL_cleanse(secret.data(), secret.size());
    return OpenSslError("ECDH derivation");
  }
  secret.resize(len);
  return core::SecretBytes(std::move(secret));
}

}  // namespace kmslab::crypto
