#include "crypto/aes_gcm.h"

#include <openssl/evp.h>

#include <memory>

#include "core/random.h"

namespace kmslab::crypto {

namespace {
struct CtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

const unsigned char* U(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

// One cipher context per thread, reset for each use.
EVP_CIPHER_CTX* ThreadCtx() {
  thread_local CtxPtr ctx(EVP_CIPHER_CTX_new());
  EVP_CIPHER_CTX_reset(ctx.get());
  return ctx.get();
}

// Fetched once: OpenSSL 3 otherwise looks the cipher up on every init.
const EVP_CIPHER* Aes256Gcm() {
  static EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  return cipher;
}
}  // namespace

core::StatusOr<std::string> AesGcmSeal(const core::SecretBytes& key, std::string_view plaintext,
                                       std::string_view aad) {
  if (key.size() != kAesKeyBytes) return core::Internal("AES-256-GCM key must be 32 bytes");
  EVP_CIPHER_CTX* ctx = ThreadCtx();
  if (!ctx) return core::Internal("EVP_CIPHER_CTX_new failed");
  std::string out = core::RandomBytes(kGcmIvBytes);
  out.resize(kGcmIvBytes + plaintext.size() + kGcmTagBytes);
  auto* iv = reinterpret_cast<unsigned char*>(out.data());
  auto* body = iv + kGcmIvBytes;
  int len = 0;
  if (EVP_EncryptInit_ex(ctx, Aes256Gcm(), nullptr, U(key.Reveal()), iv) != 1 ||
      (!aad.empty() && EVP_EncryptUpdate(ctx, nullptr, &len, U(aad), static_cast<int>(aad.size())) != 1) ||
      EVP_EncryptUpdate(ctx, body, &len, U(plaintext), static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx, body + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, kGcmTagBytes, body + plaintext.size()) != 1) {
    return core::Internal("AES-GCM encryption failed");
  }
  return out;
}

core::StatusOr<core::SecretBytes> AesGcmOpen(const core::SecretBytes& key, std::string_view sealed,
                                             std::string_view aad) {
  if (key.size() != kAesKeyBytes) return core::Internal("AES-256-GCM key must be 32 bytes");
  if (sealed.size() < kGcmIvBytes + kGcmTagBytes) return core::DataLoss("sealed data too short");
  const size_t body_len = sealed.size() - kGcmIvBytes - kGcmTagBytes;
  EVP_CIPHER_CTX* ctx = ThreadCtx();
  if (!ctx) return core::Internal("EVP_CIPHER_CTX_new failed");
  std::string plain(body_len, '\0');
  std::string tag(sealed.substr(kGcmIvBytes + body_len));
  int len = 0;
  auto* out = reinterpret_cast<unsigned char*>(plain.data());
  bool ok = EVP_DecryptInit_ex(ctx, Aes256Gcm(), nullptr, U(key.Reveal()), U(sealed)) == 1 &&
            (aad.empty() ||
             EVP_DecryptUpdate(ctx, nullptr, &len, U(aad), static_cast<int>(aad.size())) == 1) &&
            EVP_DecryptUpdate(ctx, out, &len, U(sealed.substr(kGcmIvBytes)), static_cast<int>(body_len)) ==
                1 &&
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, kGcmTagBytes, tag.data()) == 1 &&
            EVP_DecryptFinal_ex(ctx, out + len, &len) == 1;
  core::SecretBytes result(std::move(plain));
  if (!ok) return core::DataLoss("authentication failed");
  return result;
}

}  // namespace kmslab::crypto
