#include "crypto/private_key_shape.h"

#include <openssl/core_names.h>
#include <openssl/err.h>

#include <string_view>

#include "crypto/openssl_pkey.h"

namespace kmslab::crypto {

namespace {
std::optional<Curve> CurveOf(const Pkey& key) {
  char name[64] = {};
  size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(key.get(), OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof(name), &len) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  const std::string_view group(name, len);
  if (group == "prime256v1" || group == "P-256") return Curve::kP256;
  if (group == "secp384r1" || group == "P-384") return Curve::kP384;
  if (group == "secp521r1" || group == "P-521") return Curve::kP521;
  if (group == "secp256k1") return Curve::kSecp256k1;
  return std::nullopt;
}
}  // namespace

core::StatusOr<PrivateKeyShape> DescribePrivateKey(const core::SecretBytes& der) {
  auto key = FromPkcs8(der);
  if (!key.ok()) return core::InvalidArgument("not a DER PKCS#8 private key");
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key->get(), nullptr));
  if (!ctx || EVP_PKEY_pairwise_check(ctx.get()) != 1) {
    ERR_clear_error();
    return core::InvalidArgument("the private key's halves do not agree");
  }
  PrivateKeyShape shape;
  switch (EVP_PKEY_get_base_id(key->get())) {
    case EVP_PKEY_RSA:
      shape.type = PrivateKeyType::kRsa;
      shape.rsa_bits = EVP_PKEY_get_bits(key->get());
      break;
    case EVP_PKEY_EC:
      shape.type = PrivateKeyType::kEc;
      shape.curve = CurveOf(*key);
      break;
    case EVP_PKEY_ED25519:
      shape.type = PrivateKeyType::kEd25519;
      break;
    default:
      break;
  }
  return shape;
}

}  // namespace kmslab::crypto
