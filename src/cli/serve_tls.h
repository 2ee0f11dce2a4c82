// `kmslab serve --tls`: the certificate and key of the HTTPS listener.
//
// With --tls-cert FILE and --tls-key FILE, that pair (PEM; the key
// unencrypted). With neither, a self-signed certificate for localhost,
// 127.0.0.1 and ::1 (the names SDKs check) kept in DATA/tls/cert.pem with its
// key in DATA/tls/key.pem, both 0600 like every file of the data directory:
// made on the first start and reused, made again when either file is missing
// or unreadable, when they do not match, or when the certificate expires
// within 30 days. Users trust cert.pem in their clients (README, HTTPS).
//
// The generated key is stored in clear on purpose: it is the key of a local
// test certificate, protecting only traffic between this machine's clients
// and this server, not KMS key material (which is wrapped under the root key,
// store/root_key.h), and the server must start without a passphrase.
#ifndef KMSLAB_CLI_SERVE_TLS_H_
#define KMSLAB_CLI_SERVE_TLS_H_

#include <optional>
#include <string>

#include "core/status.h"
#include "crypto/tls.h"

namespace kmslab::cli {

struct TlsFlags {
  bool enabled = false;          // --tls
  std::string certificate_file;  // --tls-cert
  std::string key_file;          // --tls-key
};

struct ServeTls {
  std::optional<crypto::TlsContext> context;  // unset: plain HTTP
  std::string certificate_file;               // what clients are to trust
  bool generated = false;                     // the self-signed pair in DATA/tls/

  // "https" or "http".
  const char* scheme() const { return context ? "https" : "http"; }
  // The line `serve` prints about the certificate (empty for plain HTTP).
  std::string Describe() const;
};

// The TLS setup `flags` ask for, with `data_dir` existing. InvalidArgument
// (serve exits 2) for --tls-cert or --tls-key without --tls or without the
// other, or a pair that cannot be loaded (crypto::TlsContext::Load); an
// error when the generated pair cannot be written. No message carries the key.
core::StatusOr<ServeTls> SetUpTls(const TlsFlags& flags, const std::string& data_dir);

}  // namespace kmslab::cli

#endif  // KMSLAB_CLI_SERVE_TLS_H_
