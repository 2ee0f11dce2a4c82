// crypto/ internal: owning handles for OpenSSL key, BIO and certificate objects, PKCS#8 and
// SubjectPublicKeyInfo decoding, and the error convention the crypto files
// share.
#ifndef KMSLAB_CRYPTO_OPENSSL_PKEY_H_
#define KMSLAB_CRYPTO_OPENSSL_PKEY_H_

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string_view>

#include "core/secret_bytes.h"
#include "core/status.h"

namespace kmslab::crypto {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct Pkcs8Free {
  void operator()(PKCS8_PRIV_KEY_INFO* p) const { PKCS8_PRIV_KEY_INFO_free(p); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;
using Bio = std::unique_ptr<BIO, BioFree>;
using Certificate = std::unique_ptr<X509, X509Free>;

// A read-only BIO over `bytes`, which must outlive it; null when OpenSSL cannot make one.
inline Bio ReadOnlyBio(std::string_view bytes) {
  return Bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
}

// An OpenSSL failure as an internal error, its error queue drained so that it
// does not leak into the next call on this thread.
core::Status OpenSslError(const char* what);

// The key in a DER PKCS#8 private key.
core::StatusOr<Pkey> FromPkcs8(const core::SecretBytes& private_key);
// The key in a DER SubjectPublicKeyInfo; InvalidArgument when it does not
// parse (callers' input).
core::StatusOr<Pkey> FromPublicKeyInfo(std::string_view der);

inline const unsigned char* Bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

}  // namespace kmslab::crypto

#endif  // KMSLAB_CRYPTO_OPENSSL_PKEY_H_
