#include "crypto/hmac.h"
#include "crypto/sha2_md.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <memory>

namespace kmslab::crypto {

namespace {
// Fetched once: OpenSSL 3 otherwise looks the algorithm up on every call.
const EVP_MD* Sha256Md() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

// One digest context per thread, reset by each use.
EVP_MD_CTX* ThreadCtx() {
  struct CtxFree {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
  };
  thread_local std::unique_ptr<EVP_MD_CTX, CtxFree> ctx(EVP_MD_CTX_new());
  return ctx.get();
}

// SHA-256 of a || b.
Digest Sha256Of(std::string_view a, std::string_view b) {
  EVP_MD_CTX* ctx = ThreadCtx();
  Digest out;
  unsigned int len = 0;
  EVP_DigestInit_ex(ctx, Sha256Md(), nullptr);
  EVP_DigestUpdate(ctx, a.data(), a.size());
  EVP_DigestUpdate(ctx, b.data(), b.size());
  EVP_DigestFinal_ex(ctx, out.data(), &len);
  return out;
}
}  // namespace

Digest Sha256(std::string_view data) { return Sha256Of(data, {}); }

// RFC 2104 over the prefetched digest: OpenSSL 3's one-shot HMAC() sets up
// an EVP_MAC for every call, which costs more than the hashing.
Digest HmacSha256(std::string_view key, std::string_view data) {
  constexpr size_t kBlock = 64;
  std::array<char, kBlock> block{};
  if (key.size() > kBlock) {
    const Digest hashed = Sha256(key);
    std::copy(hashed.begin(), hashed.end(), block.begin());
  } else {
    std::copy(key.begin(), key.end(), block.begin());
  }
  std::array<char, kBlock> pad;
  for (size_t i = 0; i < kBlock; ++i) pad[i] = static_cast<char>(block[i] ^ 0x36);
  Digest inner = Sha256Of({pad.data(), kBlock}, data);
  for (size_t i = 0; i < kBlock; ++i) pad[i] = static_cast<char>(block[i] ^ 0x5c);
  Digest result = Sha256Of({pad.data(), kBlock}, View(inner));
  OPENSSL_cleanse(block.data(), block.size());
  OPENSSL_cleanse(pad.data(), pad.size());
  OPENSSL_cleanse(inner.data(), inner.size());
  return result;
}

core::SecretBytes DeriveKey(const core::SecretBytes& key, std::string_view label) {
  Digest derived = HmacSha256(key.Reveal(), label);
  core::SecretBytes out{std::string(View(derived))};
  OPENSSL_cleanse(derived.data(), derived.size());
  return out;
}

const EVP_MD* Sha2Md(Hash hash) {
  switch (hash) {
    case Hash::kSha224: return EVP_sha224();
    case Hash::kSha256: return EVP_sha256();
    case Hash::kSha384: return EVP_sha384();
    case Hash::kSha512: return EVP_sha512();
  }
  return EVP_sha256();
}

size_t HashLength(Hash hash) { return static_cast<size_t>(EVP_MD_get_size(Sha2Md(hash))); }

std::string HashOf(Hash hash, std::string_view data) {
  std::string out(HashLength(hash), '\0');
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), reinterpret_cast<unsigned char*>(out.data()), &len, Sha2Md(hash), nullptr);
  return out;
}

std::string Hmac(Hash hash, const core::SecretBytes& key, std::string_view data) {
  std::string out(HashLength(hash), '\0');
  unsigned int len = 0;
  const std::string_view k = key.Reveal();
  HMAC(Sha2Md(hash), k.data(), static_cast<int>(k.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), reinterpret_cast<unsigned char*>(out.data()), &len);
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace kmslab::crypto
