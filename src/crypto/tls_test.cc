#include "crypto/tls.h"

#include <doctest/doctest.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <ctime>
#include <filesystem>
#include <fstream>

#include "core/text_file.h"
#include "crypto/openssl_pkey.h"
#include "crypto/self_signed_certificate.h"

namespace kmslab::crypto {
namespace {

using Outcome = TlsSession::Outcome;

// A fresh directory holding a self-signed pair for localhost (cert.pem, key.pem), removed at the end.
struct PairFiles {
  PairFiles() {
    char tmpl[] = "/tmp/kmslab-tls-test-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    const int64_t now = time(nullptr);
    core::StatusOr<SelfSignedCertificate> made = MakeSelfSignedCertificate(
        {.common_name = "localhost", .dns_names = {"localhost"}, .ip_addresses = {"127.0.0.1", "::1"},
         .not_before = now - 60, .not_after = now + 3600});
    REQUIRE(made.ok());
    certificate_pem = made->certificate_pem;
    Write("cert.pem", certificate_pem);
    Write("key.pem", std::string(made->private_key_pem.Reveal()));
  }
  ~PairFiles() { std::filesystem::remove_all(dir); }
  std::string Write(const std::string& name, const std::string& text) const {
    std::ofstream(dir / name) << text;
    return dir / name;
  }
  std::string Path(const std::string& name) const { return dir / name; }

  std::filesystem::path dir;
  std::string certificate_pem;
};

// An OpenSSL client over memory BIOs that trusts `trusted_pem` (none when empty) and expects the
// server to be `host` (a DNS name) or, when `ip` is set, that address.
class Client {
 public:
  Client(const std::string& trusted_pem, const char* host, const char* ip = nullptr)
      : ctx_(SSL_CTX_new(TLS_client_method())) {
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    if (!trusted_pem.empty()) {
      Bio bio = ReadOnlyBio(trusted_pem);
      Certificate x(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
      REQUIRE(X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx_), x.get()) == 1);
    }
    ssl_ = SSL_new(ctx_);
    BIO* in = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(in, -1);
    SSL_set_bio(ssl_, in, BIO_new(BIO_s_mem()));
    SSL_set_connect_state(ssl_);
    if (host != nullptr) REQUIRE(SSL_set1_host(ssl_, host) == 1);
    if (ip != nullptr) REQUIRE(X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), ip) == 1);
  }
  ~Client() {
    SSL_free(ssl_);
    SSL_CTX_free(ctx_);
    ERR_clear_error();
  }

  // Runs the handshake against `server`; returns the server's last outcome.
  Outcome Handshake(TlsSession& server) {
    Outcome outcome = Outcome::kOpen;
    for (int flight = 0; flight < 10; ++flight) {
      const bool done = SSL_do_handshake(ssl_) == 1;
      const std::string to_server = Output();
      if (!to_server.empty()) outcome = server.Receive(to_server, plaintext_from_client, wire);
      if (outcome != Outcome::kOpen || (done && wire.empty())) break;
      Input(wire);
      wire.clear();
    }
    return outcome;
  }
  std::string Output() {
    std::string out(BIO_ctrl_pending(SSL_get_wbio(ssl_)), '\0');
    BIO_read(SSL_get_wbio(ssl_), out.data(), static_cast<int>(out.size()));
    return out;
  }
  void Input(const std::string& bytes) {
    BIO_write(SSL_get_rbio(ssl_), bytes.data(), static_cast<int>(bytes.size()));
  }
  std::string Encrypt(const std::string& text) {
    size_t n = 0;
    REQUIRE(SSL_write_ex(ssl_, text.data(), text.size(), &n) == 1);
    return Output();
  }
  std::string Decrypt(const std::string& records) {
    Input(records);
    std::string text;
    char buffer[4096];
    size_t n = 0;
    while (SSL_read_ex(ssl_, buffer, sizeof(buffer), &n) == 1) text.append(buffer, n);
    return text;
  }
  bool established() const { return SSL_is_init_finished(ssl_) == 1; }
  long verify_result() const { return SSL_get_verify_result(ssl_); }
  SSL* ssl() { return ssl_; }

  std::string plaintext_from_client;  // what the server decrypted during the handshake
  std::string wire;                   // what the server sent

 private:
  SSL_CTX* ctx_;
  SSL* ssl_;
};

TEST_CASE("a client that trusts the certificate talks to a session both ways, by name and by address") {
  PairFiles files;
  core::StatusOr<TlsContext> context = TlsContext::Load(files.Path("cert.pem"), files.Path("key.pem"));
  REQUIRE(context.ok());
  for (const char* ip : {static_cast<const char*>(nullptr), "127.0.0.1", "::1"}) {
    const std::string expected = ip == nullptr ? "localhost" : ip;
    CAPTURE(expected);
    std::unique_ptr<TlsSession> session = context->NewSession();
    REQUIRE(session);
    Client client(files.certificate_pem, ip == nullptr ? "localhost" : nullptr, ip);
    CHECK(client.Handshake(*session) == Outcome::kOpen);
    REQUIRE(client.established());
    CHECK(session->established());
    CHECK(client.verify_result() == X509_V_OK);
    CHECK(client.plaintext_from_client.empty());

    // A request in two pieces, then an answer; each record is decrypted as it completes.
    const std::string records = client.Encrypt("POST / HTTP/1.1\r\nHost: localhost\r\n\r\n");
    std::string plaintext, wire;
    CHECK(session->Receive(records.substr(0, 10), plaintext, wire) == Outcome::kOpen);
    CHECK(plaintext.empty());
    CHECK(session->Receive(records.substr(10), plaintext, wire) == Outcome::kOpen);
    CHECK(plaintext == "POST / HTTP/1.1\r\nHost: localhost\r\n\r\n");
    const std::string body(100'000, 'x');  // more than one record
    REQUIRE(session->Send(body, wire));
    CHECK(client.Decrypt(wire) == body);

    // The client's close_notify ends the session; the server's own reaches the client.
    SSL_shutdown(client.ssl());
    plaintext.clear();
    wire.clear();
    CHECK(session->Receive(client.Output(), plaintext, wire) == Outcome::kClosed);
    session->Close(wire);
    client.Input(wire);
    CHECK(SSL_shutdown(client.ssl()) == 1);
  }
}

TEST_CASE("a client that does not trust the certificate, or expects another name, fails the handshake") {
  PairFiles files;
  core::StatusOr<TlsContext> context = TlsContext::Load(files.Path("cert.pem"), files.Path("key.pem"));
  REQUIRE(context.ok());
  {
    std::unique_ptr<TlsSession> session = context->NewSession();
    Client client("", "localhost");
    CHECK(client.Handshake(*session) == Outcome::kFailed);  // the client's alert
    CHECK(client.verify_result() == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);
    CHECK_FALSE(session->established());
  }
  {
    std::unique_ptr<TlsSession> session = context->NewSession();
    Client client(files.certificate_pem, "kmslab.example");
    CHECK(client.Handshake(*session) == Outcome::kFailed);
    CHECK(client.verify_result() == X509_V_ERR_HOSTNAME_MISMATCH);
  }
}

TEST_CASE("bytes that do not begin a TLS handshake are recognised as not TLS; garbage after a hello fails") {
  PairFiles files;
  core::StatusOr<TlsContext> context = TlsContext::Load(files.Path("cert.pem"), files.Path("key.pem"));
  REQUIRE(context.ok());
  std::string plaintext, wire;
  CHECK(context->NewSession()->Receive("POST / HTTP/1.1\r\n", plaintext, wire) == Outcome::kNotTls);
  std::unique_ptr<TlsSession> session = context->NewSession();
  CHECK(session->Receive(std::string("\x16\x03\x01\x00\x05hello", 10), plaintext, wire) == Outcome::kFailed);
  CHECK(plaintext.empty());
}

TEST_CASE("loading refuses a missing file, a file without its part, a key that is not the certificate's, and an "
          "encrypted key") {
  PairFiles files;
  PairFiles others;
  const std::string cert = files.Path("cert.pem"), key = files.Path("key.pem");
  auto error = [](const std::string& c, const std::string& k) {
    core::StatusOr<TlsContext> loaded = TlsContext::Load(c, k);
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.status().code() == core::Code::kInvalidArgument);
    return loaded.status().message();
  };
  CHECK(error(files.Path("none.pem"), key) == "TLS certificate: cannot read " + files.Path("none.pem"));
  CHECK(error(cert, files.Path("none.pem")) == "TLS private key: cannot read " + files.Path("none.pem"));
  CHECK(error(key, key) == "TLS certificate: no PEM certificate in " + key);
  CHECK(error(cert, cert) == "TLS private key: no unencrypted PEM private key in " + cert);
  CHECK(error(cert, others.Path("key.pem")) == "TLS private key: the key in " + others.Path("key.pem") +
                                                   " is not the key of the certificate in " + cert);

  // The same key under a passphrase: refused without asking for one.
  const std::string key_pem = *core::ReadTextFile(key);
  Bio key_bio = ReadOnlyBio(key_pem);
  Pkey pkey(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  REQUIRE(pkey);
  Bio encrypted(BIO_new(BIO_s_mem()));
  char passphrase[] = "secret";
  REQUIRE(PEM_write_bio_PKCS8PrivateKey(encrypted.get(), pkey.get(), EVP_aes_256_cbc(), passphrase, 6, nullptr,
                                        nullptr) == 1);
  char* data = nullptr;
  const long size = BIO_get_mem_data(encrypted.get(), &data);
  const std::string encrypted_key = files.Write("encrypted.pem", std::string(data, static_cast<size_t>(size)));
  CHECK(error(cert, encrypted_key) == "TLS private key: no unencrypted PEM private key in " + encrypted_key);

  CHECK(TlsContext::Load(cert, key).ok());
}

}  // namespace
}  // namespace kmslab::crypto
