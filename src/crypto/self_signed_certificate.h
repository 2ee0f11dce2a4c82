// A self-signed X.509 certificate and its key, for a TLS listener that only
// local clients reach (kmslab serve --tls without a certificate of the user's).
// Thread-safe.
#ifndef KMSLAB_CRYPTO_SELF_SIGNED_CERTIFICATE_H_
#define KMSLAB_CRYPTO_SELF_SIGNED_CERTIFICATE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/secret_bytes.h"
#include "core/status.h"

namespace kmslab::crypto {

struct CertificateSubject {
  std::string common_name;
  // subjectAltNames: what clients check the server's name against.
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;  // textual IPv4 or IPv6
  // Validity, in seconds since the epoch.
  int64_t not_before = 0;
  int64_t not_after = 0;
};

struct SelfSignedCertificate {
  std::string certificate_pem;
  core::SecretBytes private_key_pem;  // PKCS#8, unencrypted
};

// A new EC P-256 key and an X.509 v3 certificate for it, signed by itself
// with ECDSA-SHA256: a random 127-bit serial, subject and issuer CN =
// common_name, the SANs given, basicConstraints CA:FALSE, keyUsage
// digitalSignature, extendedKeyUsage serverAuth, and key identifiers (which
// strict verifiers want even on a self-signed certificate). InvalidArgument
// for an IP address that does not parse.
core::StatusOr<SelfSignedCertificate> MakeSelfSignedCertificate(const CertificateSubject& subject);

// When the (first) certificate in `pem` stops being valid, in seconds since
// the epoch; InvalidArgument when `pem` holds no certificate.
core::StatusOr<int64_t> CertificateNotAfter(std::string_view pem);

}  // namespace kmslab::crypto

#endif  // KMSLAB_CRYPTO_SELF_SIGNED_CERTIFICATE_H_
