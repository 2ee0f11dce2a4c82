#include "crypto/tls.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <climits>

#include "core/secret_bytes.h"
#include "core/text_file.h"
#include "crypto/openssl_pkey.h"

namespace kmslab::crypto {

namespace {

// Every TLS connection opens with a handshake record: content type 22 (RFC 8446 §5.1).
constexpr unsigned char kHandshakeRecord = 22;
// Plaintext is taken out of a session this much at a time (a record's most).
constexpr size_t kPlaintextChunk = 16 * 1024;

// Refuses every passphrase prompt: an encrypted key fails to load instead.
int NoPassphrase(char*, int, int, void*) { return 0; }

// What OpenSSL wrote for the peer (handshake messages, records, alerts), appended to `wire`.
void TakeOutput(SSL* ssl, std::string& wire) {
  BIO* out = SSL_get_wbio(ssl);
  const size_t pending = BIO_ctrl_pending(out);
  if (pending == 0) return;
  const size_t old = wire.size();
  wire.resize(old + pending);
  const int n = BIO_read(out, wire.data() + old, static_cast<int>(pending));
  wire.resize(old + static_cast<size_t>(n > 0 ? n : 0));
}

// The certificate (chain) in `pem` installed in `ctx`.
core::Status UseCertificates(SSL_CTX* ctx, std::string_view pem, const std::string& file) {
  Bio bio = ReadOnlyBio(pem);
  Certificate leaf(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!leaf || SSL_CTX_use_certificate(ctx, leaf.get()) != 1) {
    ERR_clear_error();
    return core::InvalidArgument("TLS certificate: no PEM certificate in " + file);
  }
  while (X509* next = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    if (SSL_CTX_add0_chain_cert(ctx, next) != 1) {
      X509_free(next);
      ERR_clear_error();
      return core::InvalidArgument("TLS certificate: a chain certificate in " + file + " cannot be used");
    }
  }
  ERR_clear_error();  // the end of the file reads as "no start line"
  return core::Status();
}

// The unencrypted private key in `pem`, installed in `ctx` when it is the key
// of the certificate installed there.
core::Status UsePrivateKey(SSL_CTX* ctx, const core::SecretBytes& pem, const std::string& file,
                           const std::string& certificate_file) {
  Bio bio = ReadOnlyBio(pem.Reveal());
  Pkey key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr) : nullptr);
  if (!key) {
    ERR_clear_error();
    return core::InvalidArgument("TLS private key: no unencrypted PEM private key in " + file);
  }
  if (X509_check_private_key(SSL_CTX_get0_certificate(ctx), key.get()) != 1) {
    ERR_clear_error();
    return core::InvalidArgument("TLS private key: the key in " + file + " is not the key of the certificate in " +
                                 certificate_file);
  }
  if (SSL_CTX_use_PrivateKey(ctx, key.get()) != 1) return OpenSslError("installing the TLS private key");
  return core::Status();
}

}  // namespace

core::StatusOr<TlsContext> TlsContext::Load(const std::string& certificate_file, const std::string& key_file) {
  core::StatusOr<std::string> certificate = core::ReadTextFile(certificate_file);
  if (!certificate.ok()) return core::InvalidArgument("TLS certificate: " + certificate.status().message());
  core::StatusOr<std::string> key_text = core::ReadTextFile(key_file);
  if (!key_text.ok()) return core::InvalidArgument("TLS private key: " + key_text.status().message());
  const core::SecretBytes key(std::move(*key_text));

  std::shared_ptr<SSL_CTX> ctx(SSL_CTX_new(TLS_server_method()), SSL_CTX_free);
  if (!ctx || SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION) != 1) {
    ERR_clear_error();
    return core::Internal("OpenSSL: making a TLS context failed");
  }
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  // An idle connection keeps no read or write buffer: thousands of them stay cheap.
  SSL_CTX_set_mode(ctx.get(), SSL_MODE_RELEASE_BUFFERS);
  RETURN_IF_ERROR(UseCertificates(ctx.get(), *certificate, certificate_file));
  RETURN_IF_ERROR(UsePrivateKey(ctx.get(), key, key_file, certificate_file));
  return TlsContext(std::move(ctx));
}

std::unique_ptr<TlsSession> TlsContext::NewSession() const {
  SSL* ssl = SSL_new(ctx_.get());
  BIO* in = BIO_new(BIO_s_mem());
  BIO* out = BIO_new(BIO_s_mem());
  if (ssl == nullptr || in == nullptr || out == nullptr) {
    SSL_free(ssl);
    BIO_free(in);
    BIO_free(out);
    ERR_clear_error();
    return nullptr;
  }
  BIO_set_mem_eof_return(in, -1);  // no ciphertext yet means "wait", not end of stream
  SSL_set_bio(ssl, in, out);
  SSL_set_accept_state(ssl);
  return std::unique_ptr<TlsSession>(new TlsSession(ssl));
}

void TlsSession::SslFree::operator()(ssl_st* ssl) const { SSL_free(ssl); }

TlsSession::~TlsSession() = default;

TlsSession::Outcome TlsSession::Receive(std::string_view ciphertext, std::string& plaintext, std::string& wire) {
  if (ciphertext.empty()) return Outcome::kOpen;
  if (!received_) {
    received_ = true;
    if (static_cast<unsigned char>(ciphertext[0]) != kHandshakeRecord) return Outcome::kNotTls;
  }
  SSL* ssl = ssl_.get();
  ERR_clear_error();
  if (ciphertext.size() > INT_MAX ||
      BIO_write(SSL_get_rbio(ssl), ciphertext.data(), static_cast<int>(ciphertext.size())) !=
          static_cast<int>(ciphertext.size())) {
    ERR_clear_error();
    return Outcome::kFailed;
  }
  Outcome outcome = Outcome::kOpen;
  while (true) {
    const size_t old = plaintext.size();
    plaintext.resize(old + kPlaintextChunk);
    size_t n = 0;
    const int ok = SSL_read_ex(ssl, plaintext.data() + old, kPlaintextChunk, &n);
    plaintext.resize(old + (ok == 1 ? n : 0));
    if (ok == 1) continue;
    const int error = SSL_get_error(ssl, ok);
    if (error == SSL_ERROR_ZERO_RETURN) outcome = Outcome::kClosed;
    else if (error != SSL_ERROR_WANT_READ) outcome = Outcome::kFailed;
    break;
  }
  ERR_clear_error();
  TakeOutput(ssl, wire);
  return outcome;
}

bool TlsSession::Send(std::string_view plaintext, std::string& wire) {
  SSL* ssl = ssl_.get();
  ERR_clear_error();
  size_t done = 0;
  while (done < plaintext.size()) {
    size_t n = 0;
    if (SSL_write_ex(ssl, plaintext.data() + done, plaintext.size() - done, &n) != 1) {
      ERR_clear_error();
      return false;
    }
    done += n;
  }
  TakeOutput(ssl, wire);
  return true;
}

void TlsSession::Close(std::string& wire) {
  if (!established()) return;
  SSL_shutdown(ssl_.get());
  ERR_clear_error();
  TakeOutput(ssl_.get(), wire);
}

bool TlsSession::established() const { return SSL_is_init_finished(ssl_.get()) == 1; }

}  // namespace kmslab::crypto
