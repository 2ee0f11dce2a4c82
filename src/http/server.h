// Server: kmslab's bounded HTTP/1.1 front end, serving the Router.
//
// One I/O thread owns every socket: it accepts, reads (non-blocking, epoll,
// edge-triggered), parses with RequestParser, writes responses and enforces
// the deadlines below. A fixed pool of worker threads runs Router::Handle on
// complete requests only, so slow or idle connections cost a file descriptor
// and a little memory, never a worker, and cannot starve signed requests.
// A worker writes its response itself while the socket takes it (the
// connection is the worker's until handed back), then hands the connection
// back through a queue and an eventfd; the I/O thread writes any rest.
//
// Every response carries Date, Content-Type, Content-Length and
// x-amzn-RequestId; DynamoDB's answers also x-amz-crc32 (HttpResponse::crc32). Errors the front end answers itself (malformed HTTP, a body
// over the Router's limit, a deadline) are AWS-style JSON
// {"__type", "message"} with `Connection: close`; the connection closes after
// the answer is written.
//
// With ServerOptions::tls it serves HTTPS instead: the same loop, deadlines
// and limits, with each connection's bytes passing through a
// crypto::TlsSession (decrypted as they arrive, responses encrypted as they
// are written). The handshake must complete within the header timeout of the
// connection's opening. A client whose first bytes are not a TLS handshake
// (plain HTTP sent to the HTTPS port) is answered in plain HTTP: 400, then
// the connection closes.
//
// Thread-safety: Bind() and Run() from one thread; Stop() from any thread.
#ifndef KMSLAB_HTTP_SERVER_H_
#define KMSLAB_HTTP_SERVER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "crypto/tls.h"
#include "http/router.h"

namespace kmslab::http {

struct ServerOptions {
  // Threads running Router::Handle; requests beyond them wait in a queue.
  int worker_threads = 16;
  int listen_backlog = 1024;
  // Open connections at most (also capped by RLIMIT_NOFILE, whose soft limit
  // is raised to the hard one). When full, the connection that has waited
  // longest without a complete request is closed to admit the new one.
  size_t max_connections = 10000;
  // Request bytes buffered across all connections; above it the server stops
  // reading from sockets until requests complete and free their buffers.
  size_t max_buffered_bytes = 256 * 1024 * 1024;
  // A request's head must be complete this long after its first byte (408).
  int64_t header_timeout_ms = 10'000;
  // Its body must be complete this long after the head (408).
  int64_t body_timeout_ms = 60'000;
  // A keep-alive connection waiting for its next request closes after this;
  // well above the idle times of SDK connection pools.
  int64_t idle_timeout_ms = 120'000;
  // A response the client does not read within this is dropped with the connection.
  int64_t write_timeout_ms = 30'000;
  // After a closing answer, unread input is drained this long so the answer
  // is not lost to a TCP reset.
  int64_t linger_ms = 2'000;
  // Set: serve HTTPS with this certificate and key; unset: plain HTTP.
  std::optional<crypto::TlsContext> tls;
};

class Server {
 public:
  explicit Server(const Router* router, ServerOptions options = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds host:port (0: any free port) and listens. Returns the bound port or -1.
  int Bind(const std::string& host, int port);
  // Serves until Stop(). Returns after requests in flight were answered; false
  // if the server failed (not bound, or the event loop could not start).
  bool Run();
  // Asks Run() to return. Safe from any thread, also before Run().
  void Stop();

 private:
  class Loop;
  std::unique_ptr<Loop> loop_;
};

}  // namespace kmslab::http

#endif  // KMSLAB_HTTP_SERVER_H_
