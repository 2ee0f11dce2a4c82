// TLS for kmslab's HTTPS listener, as a transformation of bytes with no I/O
// of its own: the HTTP server reads ciphertext from its sockets and hands it
// to a TlsSession, which gives back the plaintext it decrypted and the bytes
// to write back (handshake messages, alerts); the server hands it plaintext to
// encrypt and writes the records that come out. So the server's one I/O
// thread, its deadlines and its limits serve HTTPS as they serve HTTP, and
// OpenSSL stays inside crypto/.
//
// TlsContext: a certificate and its private key, loaded once; copies share
// them, and any thread may make sessions. TlsSession: one connection's TLS
// state, used by one thread at a time (the server hands a connection between
// its I/O thread and a worker under a lock, which orders the accesses).
#ifndef KMSLAB_CRYPTO_TLS_H_
#define KMSLAB_CRYPTO_TLS_H_

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

struct ssl_ctx_st;
struct ssl_st;

namespace kmslab::crypto {

class TlsSession;

class TlsContext {
 public:
  // The server side of TLS 1.2 and 1.3 with the PEM certificate in
  // `certificate_file` (a chain, the server's certificate first) and the PEM
  // private key in `key_file`. InvalidArgument, naming the file, when a file
  // cannot be read or holds no certificate or no unencrypted private key (an
  // encrypted key is refused, never prompted for), or when the key is not the
  // certificate's. No message carries the key's bytes.
  static core::StatusOr<TlsContext> Load(const std::string& certificate_file, const std::string& key_file);

  // A session for one new connection; nullptr when OpenSSL cannot make one.
  std::unique_ptr<TlsSession> NewSession() const;

 private:
  explicit TlsContext(std::shared_ptr<ssl_ctx_st> ctx) : ctx_(std::move(ctx)) {}
  std::shared_ptr<ssl_ctx_st> ctx_;
};

class TlsSession {
 public:
  enum class Outcome {
    kOpen,    // the session goes on
    kClosed,  // the client sent close_notify: it will send nothing more
    kFailed,  // a handshake or record error: drop the connection (after sending `wire`, an alert)
    kNotTls,  // the first byte does not begin a TLS handshake: plain HTTP sent to an HTTPS port, say
  };

  ~TlsSession();
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;

  // Takes `ciphertext` received from the client: advances the handshake,
  // appends the plaintext now readable to `plaintext` and what is to be sent
  // back to `wire`. Every complete record is decrypted before it returns, so
  // nothing waits inside the session for a later call.
  Outcome Receive(std::string_view ciphertext, std::string& plaintext, std::string& wire);
  // Encrypts `plaintext` into records appended to `wire`; once established().
  // False when the session has failed (the connection is to be dropped).
  bool Send(std::string_view plaintext, std::string& wire);
  // Appends a close_notify alert to `wire` (nothing before the handshake completed).
  void Close(std::string& wire);
  // The handshake has completed.
  bool established() const;

 private:
  friend class TlsContext;
  struct SslFree {
    void operator()(ssl_st* ssl) const;
  };
  explicit TlsSession(ssl_st* ssl) : ssl_(ssl) {}
  std::unique_ptr<ssl_st, SslFree> ssl_;
  bool received_ = false;  // some ciphertext arrived
};

}  // namespace kmslab::crypto

#endif  // KMSLAB_CRYPTO_TLS_H_
