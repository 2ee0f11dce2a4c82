#include "crypto/asymmetric_key.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>

#include "crypto/openssl_pkey.h"
#include "crypto/sha2_md.h"

namespace kmslab::crypto {

namespace {
const char* CurveName(Curve curve) {
  switch (curve) {
    case Curve::kP256: return "P-256";
    case Curve::kP384: return "P-384";
    case Curve::kP521: return "P-521";
    case Curve::kSecp256k1: return "secp256k1";
  }
  return "P-256";
}

// `key` as DER PKCS#8; the encoder's buffer is wiped.
core::StatusOr<core::SecretBytes> ToPkcs8(const Pkey& key) {
  if (!key) return OpenSslError("key generation");
  std::unique_ptr<PKCS8_PRIV_KEY_INFO, Pkcs8Free> info(EVP_PKEY2PKCS8(key.get()));
  if (!info) return OpenSslError("PKCS#8 conversion");
  unsigned char* der = nullptr;
  const int len = i2d_PKCS8_PRIV_KEY_INFO(info.get(), &der);
  if (len <= 0) return OpenSslError("PKCS#8 encoding");
  core::SecretBytes out{std::string(reinterpret_cast<const char*>(der), static_cast<size_t>(len))};
  OPENSSL_clear_free(der, static_cast<size_t>(len));
  return out;
}

int KeyTypeOf(SignatureScheme scheme) {
  switch (scheme) {
    case SignatureScheme::kRsaPkcs1V15:
    case SignatureScheme::kRsaPss: return EVP_PKEY_RSA;
    case SignatureScheme::kEcdsa: return EVP_PKEY_EC;
    case SignatureScheme::kEd25519: return EVP_PKEY_ED25519;
  }
  return EVP_PKEY_NONE;
}

// A context ready for EVP_PKEY_sign / EVP_PKEY_verify over a digest.
core::StatusOr<PkeyCtx> DigestContext(EVP_PKEY* key, const SignatureParams& params, bool sign) {
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (!ctx || (sign ? EVP_PKEY_sign_init(ctx.get()) : EVP_PKEY_verify_init(ctx.get())) != 1 ||
      EVP_PKEY_CTX_set_signature_md(ctx.get(), Sha2Md(params.hash)) != 1) {
    return OpenSslError("signature setup");
  }
  if (params.scheme == SignatureScheme::kRsaPkcs1V15 &&
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1) {
    return OpenSslError("PKCS#1 v1.5 padding");
  }
  if (params.scheme == SignatureScheme::kRsaPss &&
      (EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PSS_PADDING) != 1 ||
       EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx.get(), RSA_PSS_SALTLEN_DIGEST) != 1 ||
       EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), Sha2Md(params.hash)) != 1)) {
    return OpenSslError("PSS padding");
  }
  return ctx;
}

// `private_key`'s OpenSSL key, checked against the scheme.
core::StatusOr<EVP_PKEY*> KeyFor(const PrivateKey& private_key, const SignatureParams& params) {
  EVP_PKEY* key = private_key.pkey();
  if (EVP_PKEY_get_base_id(key) != KeyTypeOf(params.scheme)) {
    return core::Internal("the key does not fit the signature scheme");
  }
  return key;
}

}  // namespace

namespace {
std::atomic<bool> reuse_rsa_keys{false};
}  // namespace

void ReuseRsaKeysForFuzzing() { reuse_rsa_keys = true; }

core::StatusOr<core::SecretBytes> GenerateRsaKey(int modulus_bits) {
  auto generate = [modulus_bits] {
    return ToPkcs8(Pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(modulus_bits))));
  };
  if (!reuse_rsa_keys) return generate();
  static std::mutex mu;
  static std::map<int, core::SecretBytes> made;  // by modulus size
  std::lock_guard<std::mutex> lock(mu);
  auto it = made.find(modulus_bits);
  if (it == made.end()) {
    ASSIGN_OR_RETURN(core::SecretBytes key, generate());
    it = made.emplace(modulus_bits, std::move(key)).first;
  }
  return it->second.Clone();
}

core::StatusOr<core::SecretBytes> GenerateEcKey(Curve curve) {
  return ToPkcs8(Pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", CurveName(curve))));
}

core::StatusOr<core::SecretBytes> GenerateEd25519Key() {
  return ToPkcs8(Pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")));
}

core::StatusOr<std::string> PublicKeyInfo(const core::SecretBytes& private_key) {
  ASSIGN_OR_RETURN(std::shared_ptr<const PrivateKey> key, PrivateKey::Parse(private_key));
  return key->public_key_info();
}

core::StatusOr<std::string> Sign(const core::SecretBytes& private_key, const SignatureParams& params,
                                 std::string_view input) {
  ASSIGN_OR_RETURN(std::shared_ptr<const PrivateKey> key, PrivateKey::Parse(private_key));
  return Sign(*key, params, input);
}

core::StatusOr<bool> Verify(const core::SecretBytes& private_key, const SignatureParams& params, std::string_view input,
                            std::string_view signature) {
  ASSIGN_OR_RETURN(std::shared_ptr<const PrivateKey> key, PrivateKey::Parse(private_key));
  return Verify(*key, params, input, signature);
}

core::StatusOr<std::string> Sign(const PrivateKey& private_key, const SignatureParams& params, std::string_view input) {
  ASSIGN_OR_RETURN(EVP_PKEY * key, KeyFor(private_key, params));
  size_t len = 0;
  std::string out;
  if (params.scheme == SignatureScheme::kEd25519) {
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> md(EVP_MD_CTX_new());
    if (!md || EVP_DigestSignInit_ex(md.get(), nullptr, nullptr, nullptr, nullptr, key, nullptr) != 1 ||
        EVP_DigestSign(md.get(), nullptr, &len, Bytes(input), input.size()) != 1) {
      return OpenSslError("Ed25519 signing");
    }
    out.resize(len);
    if (EVP_DigestSign(md.get(), reinterpret_cast<unsigned char*>(out.data()), &len, Bytes(input), input.size()) != 1) {
      return OpenSslError("Ed25519 signing");
    }
  } else {
    ASSIGN_OR_RETURN(PkeyCtx ctx, DigestContext(key, params, true));
    if (EVP_PKEY_sign(ctx.get(), nullptr, &len, Bytes(input), input.size()) != 1) return OpenSslError("signing");
    out.resize(len);
    if (EVP_PKEY_sign(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len, Bytes(input), input.size()) != 1) {
      return OpenSslError("signing");
    }
  }
  out.resize(len);  // DER ECDSA signatures vary in length
  return out;
}

core::StatusOr<bool> Verify(const PrivateKey& private_key, const SignatureParams& params, std::string_view input,
                            std::string_view signature) {
  ASSIGN_OR_RETURN(EVP_PKEY * key, KeyFor(private_key, params));
  int result = 0;
  if (params.scheme == SignatureScheme::kEd25519) {
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> md(EVP_MD_CTX_new());
    if (!md || EVP_DigestVerifyInit_ex(md.get(), nullptr, nullptr, nullptr, nullptr, key, nullptr) != 1) {
      return OpenSslError("Ed25519 verification");
    }
    result = EVP_DigestVerify(md.get(), Bytes(signature), signature.size(), Bytes(input), input.size());
  } else {
    ASSIGN_OR_RETURN(PkeyCtx ctx, DigestContext(key, params, false));
    result = EVP_PKEY_verify(ctx.get(), Bytes(signature), signature.size(), Bytes(input), input.size());
  }
  // Anything but 1 (a mismatch, or a signature that does not even parse) is
  // an invalid signature.
  ERR_clear_error();
  return result == 1;
}

}  // namespace kmslab::crypto
