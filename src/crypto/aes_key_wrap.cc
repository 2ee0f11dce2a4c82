#include "crypto/aes_key_wrap.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <memory>

#include "crypto/openssl_pkey.h"

namespace kmslab::crypto {

namespace {

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};

const EVP_CIPHER* WrapPadCipher(size_t kek_bytes) {
  switch (kek_bytes) {
    case 16: return EVP_aes_128_wrap_pad();
    case 24: return EVP_aes_192_wrap_pad();
    case 32: return EVP_aes_256_wrap_pad();
    default: return nullptr;
  }
}

// Runs the wrap-pad cipher over `input` in one update; the output never
// exceeds the input plus 15 bytes (padding and the 8-byte integrity block).
// Anything that does not wrap or unwrap is InvalidArgument, the output
// buffer wiped.
core::StatusOr<std::string> RunWrapPad(const core::SecretBytes& kek, std::string_view input, bool wrap) {
  const EVP_CIPHER* cipher = WrapPadCipher(kek.size());
  if (!cipher) return core::InvalidArgument("AES key wrap needs a 16, 24 or 32 byte key");
  std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return OpenSslError("AES key wrap context");
  EVP_CIPHER_CTX_set_flags(ctx.get(), EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
  if (EVP_CipherInit_ex(ctx.get(), cipher, nullptr, Bytes(kek.Reveal()), nullptr, wrap ? 1 : 0) != 1) {
    return OpenSslError("AES key wrap setup");
  }
  std::string out(input.size() + 16, '\0');
  int len = 0, final_len = 0;
  const bool ok =
      EVP_CipherUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len, Bytes(input),
                       static_cast<int>(input.size())) == 1 &&
      len >= 0 &&
      EVP_CipherFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + len, &final_len) == 1;
  if (!ok) {
    OPENSSL_cleanse(out.data(), out.size());
    ERR_clear_error();
    return core::InvalidArgument(wrap ? "the input does not wrap" : "the input does not unwrap");
  }
  out.resize(static_cast<size_t>(len + final_len));
  return out;
}

}  // namespace

core::StatusOr<std::string> AesKeyWrapPad(const core::SecretBytes& kek, std::string_view plaintext) {
  if (plaintext.empty()) return core::InvalidArgument("nothing to wrap");
  return RunWrapPad(kek, plaintext, true);
}

core::StatusOr<core::SecretBytes> AesKeyUnwrapPad(const core::SecretBytes& kek, std::string_view wrapped) {
  // The smallest wrapping (1 to 8 bytes of plaintext) is 16 bytes; every
  // wrapping is a multiple of 8.
  if (wrapped.size() < 16 || wrapped.size() % 8 != 0) return core::InvalidArgument("not an AES key wrapping");
  ASSIGN_OR_RETURN(std::string plain, RunWrapPad(kek, wrapped, false));
  return core::SecretBytes(std::move(plain));
}

}  // namespace kmslab::crypto
