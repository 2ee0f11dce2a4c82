#include "crypto/self_signed_certificate.h"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <ctime>

#include "core/random.h"
#include "crypto/openssl_pkey.h"

namespace kmslab::crypto {

namespace {

constexpr size_t kSerialBytes = 16;

struct GeneralNamesFree {
  void operator()(GENERAL_NAMES* names) const { GENERAL_NAMES_free(names); }
};

// What a memory BIO holds.
std::string BioText(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return size > 0 ? std::string(data, static_cast<size_t>(size)) : std::string();
}

// Adds one general name of `type` (GEN_DNS: an IA5String; GEN_IPADD: the address's octets).
bool AddName(GENERAL_NAMES* names, int type, ASN1_STRING* value) {
  GENERAL_NAME* name = value ? GENERAL_NAME_new() : nullptr;
  if (name == nullptr) {
    ASN1_STRING_free(value);
    return false;
  }
  GENERAL_NAME_set0_value(name, type, value);
  if (sk_GENERAL_NAME_push(names, name) == 0) {
    GENERAL_NAME_free(name);
    return false;
  }
  return true;
}

core::Status AddSubjectAltNames(X509* x, const CertificateSubject& subject) {
  std::unique_ptr<GENERAL_NAMES, GeneralNamesFree> names(sk_GENERAL_NAME_new_null());
  if (!names) return OpenSslError("making subjectAltNames");
  for (const std::string& dns : subject.dns_names) {
    ASN1_IA5STRING* text = ASN1_IA5STRING_new();
    if (text != nullptr && ASN1_STRING_set(text, dns.data(), static_cast<int>(dns.size())) != 1) {
      ASN1_IA5STRING_free(text);
      text = nullptr;
    }
    if (!AddName(names.get(), GEN_DNS, text)) return OpenSslError("adding a DNS name");
  }
  for (const std::string& ip : subject.ip_addresses) {
    ASN1_OCTET_STRING* octets = a2i_IPADDRESS(ip.c_str());
    if (octets == nullptr) {
      ERR_clear_error();
      return core::InvalidArgument("not an IP address: " + ip);
    }
    if (!AddName(names.get(), GEN_IPADD, octets)) return OpenSslError("adding an IP address");
  }
  if (X509_add1_ext_i2d(x, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) != 1) {
    return OpenSslError("adding subjectAltNames");
  }
  return core::Status();
}

// An extension written the way openssl.cnf writes it ("critical,CA:FALSE"),
// with `x` as its own issuer (for authorityKeyIdentifier).
core::Status AddExtension(X509* x, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  const bool ok = extension != nullptr && X509_add_ext(x, extension, -1) == 1;
  X509_EXTENSION_free(extension);
  return ok ? core::Status() : OpenSslError("adding a certificate extension");
}

// A random positive serial number (RFC 5280 §4.1.2.2: at most 20 octets).
core::Status SetRandomSerial(X509* x) {
  std::string bytes = core::RandomBytes(kSerialBytes);
  bytes[0] = static_cast<char>(static_cast<unsigned char>(bytes[0]) & 0x7f);
  BIGNUM* number = BN_bin2bn(Bytes(bytes), static_cast<int>(bytes.size()), nullptr);
  const bool ok = number != nullptr && BN_to_ASN1_INTEGER(number, X509_get_serialNumber(x)) != nullptr;
  BN_free(number);
  return ok ? core::Status() : OpenSslError("setting the serial number");
}

}  // namespace

core::StatusOr<SelfSignedCertificate> MakeSelfSignedCertificate(const CertificateSubject& subject) {
  Pkey key(EVP_EC_gen("P-256"));
  if (!key) return OpenSslError("EC P-256 key generation");
  Certificate x(X509_new());
  if (!x || X509_set_version(x.get(), X509_VERSION_3) != 1) return OpenSslError("making a certificate");
  RETURN_IF_ERROR(SetRandomSerial(x.get()));
  X509_NAME* name = X509_get_subject_name(x.get());
  if (ASN1_TIME_set(X509_getm_notBefore(x.get()), static_cast<time_t>(subject.not_before)) == nullptr ||
      ASN1_TIME_set(X509_getm_notAfter(x.get()), static_cast<time_t>(subject.not_after)) == nullptr ||
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, Bytes(subject.common_name),
                                 static_cast<int>(subject.common_name.size()), -1, 0) != 1 ||
      X509_set_issuer_name(x.get(), name) != 1 || X509_set_pubkey(x.get(), key.get()) != 1) {
    return OpenSslError("filling in the certificate");
  }
  RETURN_IF_ERROR(AddExtension(x.get(), NID_basic_constraints, "critical,CA:FALSE"));
  RETURN_IF_ERROR(AddExtension(x.get(), NID_key_usage, "critical,digitalSignature"));
  RETURN_IF_ERROR(AddExtension(x.get(), NID_ext_key_usage, "serverAuth"));
  RETURN_IF_ERROR(AddExtension(x.get(), NID_subject_key_identifier, "hash"));
  RETURN_IF_ERROR(AddExtension(x.get(), NID_authority_key_identifier, "keyid:always"));
  RETURN_IF_ERROR(AddSubjectAltNames(x.get(), subject));
  if (X509_sign(x.get(), key.get(), EVP_sha256()) == 0) return OpenSslError("signing the certificate");

  Bio certificate(BIO_new(BIO_s_mem()));
  Bio private_key(BIO_new(BIO_s_mem()));
  if (!certificate || !private_key || PEM_write_bio_X509(certificate.get(), x.get()) != 1 ||
      PEM_write_bio_PrivateKey(private_key.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return OpenSslError("writing PEM");
  }
  return SelfSignedCertificate{BioText(certificate.get()), core::SecretBytes(BioText(private_key.get()))};
}

core::StatusOr<int64_t> CertificateNotAfter(std::string_view pem) {
  Bio bio = ReadOnlyBio(pem);
  Certificate x(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  struct tm not_after {};
  if (!x || ASN1_TIME_to_tm(X509_get0_notAfter(x.get()), &not_after) != 1) {
    ERR_clear_error();
    return core::InvalidArgument("no PEM certificate");
  }
  return static_cast<int64_t>(timegm(&not_after));
}

}  // namespace kmslab::crypto
