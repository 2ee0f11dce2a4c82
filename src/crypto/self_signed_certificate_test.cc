#include "crypto/self_signed_certificate.h"

#include <doctest/doctest.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <ctime>

#include "crypto/openssl_pkey.h"

namespace kmslab::crypto {
namespace {

CertificateSubject Localhost(int64_t now) {
  return {.common_name = "localhost",
          .dns_names = {"localhost"},
          .ip_addresses = {"127.0.0.1", "::1"},
          .not_before = now - 3600,
          .not_after = now + 86400};
}

Certificate ParseCertificate(const std::string& pem) {
  Bio bio = ReadOnlyBio(pem);
  return Certificate(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

// Verifies `x` for a TLS server named `host` (or at IP address `ip`) with `x` itself as the one
// trust anchor, strictly (X509_V_FLAG_X509_STRICT, as Python 3.13's default context does).
int VerifyAsTrustAnchor(X509* x, const char* host, const char* ip) {
  X509_STORE* store = X509_STORE_new();
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  REQUIRE(X509_STORE_add_cert(store, x) == 1);
  REQUIRE(X509_STORE_CTX_init(ctx, store, x, nullptr) == 1);
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx);
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_X509_STRICT);
  REQUIRE(X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER) == 1);
  if (host != nullptr) REQUIRE(X509_VERIFY_PARAM_set1_host(param, host, 0) == 1);
  if (ip != nullptr) REQUIRE(X509_VERIFY_PARAM_set1_ip_asc(param, ip) == 1);
  const int result = X509_verify_cert(ctx) == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx);
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  return result;
}

TEST_CASE("a self-signed certificate parses, names localhost, 127.0.0.1 and ::1, and its key is its own") {
  const int64_t now = time(nullptr);
  core::StatusOr<SelfSignedCertificate> made = MakeSelfSignedCertificate(Localhost(now));
  REQUIRE(made.ok());
  Certificate x = ParseCertificate(made->certificate_pem);
  REQUIRE(x);
  Bio key_bio = ReadOnlyBio(made->private_key_pem.Reveal());
  Pkey key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  REQUIRE(key);
  CHECK(made->private_key_pem.Reveal().starts_with("-----BEGIN PRIVATE KEY-----"));
  CHECK(EVP_PKEY_get_base_id(key.get()) == EVP_PKEY_EC);
  CHECK(X509_check_private_key(x.get(), key.get()) == 1);
  CHECK(X509_verify(x.get(), key.get()) == 1);  // signed by itself

  // The subjectAltNames clients check, and nothing else.
  CHECK(X509_check_host(x.get(), "localhost", 0, 0, nullptr) == 1);
  CHECK(X509_check_ip_asc(x.get(), "127.0.0.1", 0) == 1);
  CHECK(X509_check_ip_asc(x.get(), "::1", 0) == 1);
  CHECK(X509_check_host(x.get(), "example.com", 0, 0, nullptr) == 0);
  CHECK(X509_check_ip_asc(x.get(), "127.0.0.2", 0) == 0);
  CHECK((X509_get_extension_flags(x.get()) & EXFLAG_SS) != 0);
  CHECK_FALSE(X509_check_ca(x.get()));

  // Trusted as itself, it verifies as a TLS server's certificate, by name and by address.
  CHECK(VerifyAsTrustAnchor(x.get(), "localhost", nullptr) == X509_V_OK);
  CHECK(VerifyAsTrustAnchor(x.get(), nullptr, "127.0.0.1") == X509_V_OK);
  CHECK(VerifyAsTrustAnchor(x.get(), nullptr, "::1") == X509_V_OK);
  CHECK(VerifyAsTrustAnchor(x.get(), "kmslab.example", nullptr) == X509_V_ERR_HOSTNAME_MISMATCH);

  core::StatusOr<int64_t> not_after = CertificateNotAfter(made->certificate_pem);
  REQUIRE(not_after.ok());
  CHECK(*not_after == now + 86400);

  // Every certificate has its own key and serial number.
  core::StatusOr<SelfSignedCertificate> other = MakeSelfSignedCertificate(Localhost(now));
  REQUIRE(other.ok());
  Certificate y = ParseCertificate(other->certificate_pem);
  CHECK(ASN1_INTEGER_cmp(X509_get0_serialNumber(x.get()), X509_get0_serialNumber(y.get())) != 0);
  CHECK(X509_check_private_key(y.get(), key.get()) == 0);
}

TEST_CASE("an expired self-signed certificate fails verification; its end is read back") {
  const int64_t now = time(nullptr);
  CertificateSubject subject = Localhost(now);
  subject.not_before = now - 2 * 86400;
  subject.not_after = now - 86400;
  core::StatusOr<SelfSignedCertificate> made = MakeSelfSignedCertificate(subject);
  REQUIRE(made.ok());
  Certificate x = ParseCertificate(made->certificate_pem);
  CHECK(VerifyAsTrustAnchor(x.get(), "localhost", nullptr) == X509_V_ERR_CERT_HAS_EXPIRED);
  CHECK(*CertificateNotAfter(made->certificate_pem) == now - 86400);
}

TEST_CASE("a bad IP address or a text without a certificate is refused") {
  CertificateSubject subject = Localhost(time(nullptr));
  subject.ip_addresses.push_back("127.0.0.256");
  core::StatusOr<SelfSignedCertificate> made = MakeSelfSignedCertificate(subject);
  REQUIRE_FALSE(made.ok());
  CHECK(made.status().message() == "not an IP address: 127.0.0.256");
  CHECK(CertificateNotAfter("not a certificate").status().code() == core::Code::kInvalidArgument);
}

}  // namespace
}  // namespace kmslab::crypto
