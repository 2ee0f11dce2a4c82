#include "crypto/rsa_oaep.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

#include "crypto/openssl_pkey.h"

namespace kmslab::crypto {

namespace {

const EVP_MD* OaepMd(OaepHash hash) { return hash == OaepHash::kSha1 ? EVP_sha1() : EVP_sha256(); }

// A context set up for OAEP with `hash`, for encryption or decryption.
core::StatusOr<PkeyCtx> OaepContext(EVP_PKEY* key, OaepHash hash, bool encrypt) {
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) return core::InvalidArgument("not an RSA key");
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (!ctx || (encrypt ? EVP_PKEY_encrypt_init(ctx.get()) : EVP_PKEY_decrypt_init(ctx.get())) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING) != 1 ||
      EVP_PKEY_CTX_set_rsa_oaep_md(ctx.get(), OaepMd(hash)) != 1 ||
      EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), OaepMd(hash)) != 1) {
    return OpenSslError("OAEP setup");
  }
  return ctx;
}

}  // namespace

size_t OaepMaxPlaintext(size_t modulus_bytes, OaepHash hash) {
  const size_t hash_bytes = hash == OaepHash::kSha1 ? 20 : 32;
  return modulus_bytes > 2 * hash_bytes + 2 ? modulus_bytes - 2 * hash_bytes - 2 : 0;
}

namespace {

core::StatusOr<std::string> Encrypt(EVP_PKEY* key, OaepHash hash, std::string_view plaintext) {
  ASSIGN_OR_RETURN(PkeyCtx ctx, OaepContext(key, hash, true));
  const size_t modulus_bytes = static_cast<size_t>(EVP_PKEY_get_size(key));
  if (plaintext.size() > OaepMaxPlaintext(modulus_bytes, hash)) return core::InvalidArgument("plaintext too long");
  std::string out(modulus_bytes, '\0');
  size_t len = out.size();
  if (EVP_PKEY_encrypt(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len, Bytes(plaintext),
                       plaintext.size()) != 1) {
    return OpenSslError("OAEP encryption");
  }
  out.resize(len);
  return out;
}

}  // namespace

core::StatusOr<std::string> RsaOaepEncrypt(std::string_view public_key_info, OaepHash hash,
                                           std::string_view plaintext) {
  ASSIGN_OR_RETURN(Pkey key, FromPublicKeyInfo(public_key_info));
  return Encrypt(key.get(), hash, plaintext);
}

core::StatusOr<std::string> RsaOaepEncrypt(const PrivateKey& key, OaepHash hash, std::string_view plaintext) {
  return Encrypt(key.pkey(), hash, plaintext);
}

core::StatusOr<core::SecretBytes> RsaOaepDecrypt(const core::SecretBytes& private_key, OaepHash hash,
                                                 std::string_view ciphertext) {
  ASSIGN_OR_RETURN(std::shared_ptr<const PrivateKey> key, PrivateKey::Parse(private_key));
  return RsaOaepDecrypt(*key, hash, ciphertext);
}

core::StatusOr<core::SecretBytes> RsaOaepDecrypt(const PrivateKey& private_key, OaepHash hash,
                                                 std::string_view ciphertext) {
  EVP_PKEY* key = private_key.pkey();
  ASSIGN_OR_RETURN(PkeyCtx ctx, OaepContext(key, hash, false));
  const size_t modulus_bytes = static_cast<size_t>(EVP_PKEY_get_size(key));
  if (ciphertext.size() != modulus_bytes) return core::InvalidArgument("ciphertext is not one RSA block");
  std::string out(modulus_bytes, '\0');
  size_t len = out.size();
  const int ok = EVP_PKEY_decrypt(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len, Bytes(ciphertext),
                                  ciphertext.size());
  if (ok != 1) {
    OPENSSL_cleanse(out.data(), out.size());
    ERR_clear_error();
    return core::InvalidArgument("the ciphertext does not decrypt");
  }
  core::SecretBytes plaintext{std::string(out.data(), len)};
  OPENSSL_cleanse(out.data(), out.size());
  return plaintext;
}

}  // namespace kmslab::crypto
