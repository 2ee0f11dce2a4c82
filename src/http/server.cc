#include "http/server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <ctime>
#include <deque>
#include <exception>
#include <limits>
#include <mutex>
#include <optional>
#include <semaphore>
#include <thread>
#include <vector>

#include "core/random.h"
#include "http/request_parser.h"
#include "http/sts_wire.h"

namespace kmslab::http {

namespace {

constexpr size_t kReadChunk = 64 * 1024;
// File descriptors kept free for the stores, the trail and the rest of the process.
constexpr size_t kReservedFds = 128;
constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
// How often deadlines are checked.
constexpr int64_t kSweepIntervalMs = 250;
// After Stop(), responses still being written get this long.
constexpr int64_t kStopGraceMs = 5'000;
constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
constexpr char kErrorContentType[] = "application/x-amz-json-1.1";
// kmslab's own text [I]: nginx answers the same mistake with "The plain HTTP
// request was sent to HTTPS port".
constexpr char kPlainHttpToHttps[] = "The plain HTTP request was sent to an HTTPS port.";

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string_view Reason(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 417: return "Expectation Failed";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return status < 400 ? "OK" : status < 500 ? "Bad Request" : "Internal Server Error";
  }
}

// The current time as an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"),
// formatted at most once a second per thread.
std::string_view HttpDate() {
  thread_local time_t cached_second = -1;
  thread_local char text[40];
  thread_local size_t size = 0;
  const time_t now = time(nullptr);
  if (now != cached_second) {
    struct tm tm;
    gmtime_r(&now, &tm);
    size = strftime(text, sizeof(text), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    cached_second = now;
  }
  return std::string_view(text, size);
}

void AppendNumber(std::string& out, size_t n) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), n);
  out.append(digits, end);
}

// Appends a whole response: status line, the headers every response carries, body.
// `head`: the request was HEAD (the body is announced, not sent); `crc32`,
// when set, is sent as x-amz-crc32 (unsigned decimal).
void AppendResponse(std::string& out, int status, std::string_view content_type, std::string_view body,
                    std::string_view request_id, bool keep_alive, int minor_version, bool head,
                    std::optional<uint32_t> crc32 = std::nullopt) {
  out.append("HTTP/1.1 ");
  AppendNumber(out, static_cast<size_t>(status));
  out.push_back(' ');
  out.append(Reason(status));
  out.append("\r\nContent-Type: ");
  out.append(content_type);
  out.append("\r\nContent-Length: ");
  AppendNumber(out, body.size());
  out.append("\r\nDate: ");
  out.append(HttpDate());
  out.append("\r\nx-amzn-RequestId: ");
  out.append(request_id);
  if (crc32) {
    out.append("\r\nx-amz-crc32: ");
    AppendNumber(out, *crc32);
  }
  if (!keep_alive) {
    out.append("\r\nConnection: close");
  } else if (minor_version == 0) {
    out.append("\r\nConnection: keep-alive");
  }
  out.append("\r\n\r\n");
  if (!head) out.append(body);
}

// Writes as much of `bytes` as the non-blocking socket takes now; returns
// how much that was (errors are left for the I/O thread's next write to see).
size_t SendNow(int fd, std::string_view bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      sent += static_cast<size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      break;
    }
  }
  return sent;
}

void AppendError(std::string& out, int status, std::string_view aws_type, const std::string& message) {
  AppendResponse(out, status, kErrorContentType, ErrorBody(std::string(aws_type), message), core::NewUuid(),
                 /*keep_alive=*/false, 1, false);
}

std::string PeerAddress(const sockaddr_storage& addr) {
  char text[INET6_ADDRSTRLEN] = {0};
  if (addr.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(addr).sin_addr, text, sizeof(text));
  } else if (addr.ss_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(addr).sin6_addr, text, sizeof(text));
  }
  return text;
}

// Raises the soft open-files limit to the hard one; returns the soft limit now in force.
size_t RaiseFileLimit() {
  struct rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  if (limit.rlim_cur < limit.rlim_max) {
    struct rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? (1u << 20) : limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur == RLIM_INFINITY ? (1u << 20) : static_cast<size_t>(limit.rlim_cur);
}

enum class Phase {
  kReading,     // waiting for (the rest of) a request; owned by the I/O thread
  kProcessing,  // a worker holds it; the I/O thread leaves it alone
  kWriting,     // the final response is being written
  kLingering,   // answered and shut down for writing; draining input until EOF
};

// One client connection. Outside kProcessing only the I/O thread touches it;
// in kProcessing only the worker holding it reads the request, fills `response`
// and writes what it can of it to `fd`.
struct Connection {
  Connection(int fd_in, std::string addr, BodyLimitFn limit)
      : fd(fd_in), remote_addr(std::move(addr)), parser(std::move(limit)) {}

  int fd;
  std::string remote_addr;
  RequestParser parser;
  std::string in;      // received bytes after the current request (pipelined)
  size_t in_pos = 0;
  std::string out;     // bytes to write
  size_t out_pos = 0;
  std::string response;  // built by the worker
  size_t response_sent = 0;  // how much of it the worker already wrote
  Phase phase = Phase::kReading;
  bool readable = false;  // an input edge not yet drained
  bool writable = true;
  bool hung_up = false;   // the peer shut down its side
  bool close_after_write = false;
  bool closed = false;
  bool paused = false;     // in the paused list (memory budget)
  bool head_seen = false;  // the body deadline is set
  int64_t deadline = kNever;
  int64_t waiting_since = 0;  // when it began waiting for its current request
  size_t accounted = 0;       // bytes counted against the buffer budget
  size_t index = 0;           // in Loop::connections_
  // HTTPS: the connection's TLS state (null for plain HTTP). Bytes go out
  // through `wire`: `out` is encrypted into it as soon as it is flushed, and
  // handshake messages join it in order.
  std::unique_ptr<crypto::TlsSession> tls;
  std::string wire;
  size_t wire_pos = 0;
};

// Bytes given to the connection and not yet written to its socket.
bool Unsent(const Connection& c) { return c.out_pos < c.out.size() || c.wire_pos < c.wire.size(); }

// Writes as much of `plaintext` as the socket takes now and returns how much
// of it is done with. Under TLS that is all of it: encrypted into `wire`,
// whose unsent rest the I/O thread writes as it writes `out`.
size_t SendNow(Connection* c, std::string_view plaintext) {
  if (c->tls == nullptr) return SendNow(c->fd, plaintext);
  if (!c->tls->Send(plaintext, c->wire)) return 0;  // Flush meets the same failure and closes
  c->wire_pos += SendNow(c->fd, std::string_view(c->wire).substr(c->wire_pos));
  return plaintext.size();
}

}  // namespace

class Server::Loop {
 public:
  Loop(const Router* router, ServerOptions options)
      : router_(router),
        options_(options),
        epoll_fd_(epoll_create1(EPOLL_CLOEXEC)),
        event_fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}

  ~Loop() {
    if (listen_fd_ >= 0) close(listen_fd_);
    if (epoll_fd_ >= 0) close(epoll_fd_);
    if (event_fd_ >= 0) close(event_fd_);
  }

  int Bind(const std::string& host, int port);
  bool Run();
  void Stop() {
    stopping_.store(true);
    Wake();
  }

 private:
  void Wake() {
    uint64_t one = 1;
    [[maybe_unused]] ssize_t n = write(event_fd_, &one, sizeof(one));
  }
  void Accept(int64_t now);
  bool EvictOne();
  void OnEvent(Connection* c, uint32_t events, int64_t now);
  void ReadAndParse(Connection* c, int64_t now);
  // TLS: decrypts `ciphertext` into plaintext_ and sends what the session
  // answers. False when there is nothing to feed the parser: the connection
  // was closed, or answered because it does not speak TLS.
  bool Decrypt(Connection* c, std::string_view ciphertext, int64_t now);
  // Feeds bytes to the parser and acts on its state; returns the bytes consumed.
  size_t Feed(Connection* c, std::string_view bytes, int64_t now);
  // Marks a connection's complete request for the workers; SubmitReady()
  // hands all marked in one loop round over at once (one lock, one release).
  void Dispatch(Connection* c);
  void SubmitReady();
  // Lets the workers finish the queued requests, then joins them.
  void StopWorkers();
  void DrainCompletions(int64_t now);
  void Flush(Connection* c, int64_t now);
  void AfterResponse(Connection* c, int64_t now);
  void AnswerError(Connection* c, int status, std::string_view aws_type, const std::string& message, int64_t now);
  void Linger(Connection* c, int64_t now);
  void DrainLinger(Connection* c);
  void Close(Connection* c);
  void Account(Connection* c);
  void Sweep(int64_t now);
  void ResumePaused(int64_t now);
  void BeginStop(int64_t now);
  void WorkerMain();
  void Handle(Connection* c);

  const Router* router_;
  ServerOptions options_;
  int listen_fd_ = -1;
  const int epoll_fd_;
  const int event_fd_;  // wakes the loop: responses ready, or Stop()
  // epoll tags of the listener and the eventfd (connections are tagged with themselves).
  char listen_tag_ = 0;
  char wake_tag_ = 0;
  size_t max_connections_ = 0;
  std::atomic<bool> stopping_{false};
  bool stop_begun_ = false;
  int64_t stop_deadline_ = kNever;
  bool accept_paused_ = false;
  int64_t accept_resume_at_ = 0;

  std::vector<std::unique_ptr<Connection>> connections_;
  std::vector<std::unique_ptr<Connection>> graveyard_;  // freed after the current batch of events
  std::vector<Connection*> paused_;
  size_t buffered_bytes_ = 0;
  size_t processing_ = 0;
  std::unique_ptr<char[]> read_buffer_ = std::make_unique<char[]>(kReadChunk);
  std::string plaintext_;  // TLS: what the last read decrypted to

  // Worker hand-off: complete requests in, built responses out. jobs_ready_
  // counts the queued jobs (plus one per worker at stop), so a worker sleeps
  // only while there is nothing to take and the I/O thread wakes one per job.
  std::vector<Connection*> ready_;  // I/O thread only: dispatched this round
  std::mutex jobs_mu_;
  std::deque<Connection*> jobs_;
  std::counting_semaphore<> jobs_ready_{0};
  std::atomic<bool> workers_stop_{false};
  std::atomic<bool> sleeping_{false};  // the I/O thread is in (or entering) epoll_wait
  std::mutex done_mu_;
  std::vector<Connection*> done_;
  std::vector<Connection*> done_batch_;
  std::vector<std::thread> workers_;
};

int Server::Loop::Bind(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &found) != 0) return -1;
  int fd = -1;
  for (addrinfo* ai = found; ai != nullptr && fd < 0; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    int yes = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, options_.listen_backlog) != 0) {
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  if (fd < 0) return -1;
  sockaddr_storage bound{};
  socklen_t size = sizeof(bound);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &size) != 0) {
    close(fd);
    return -1;
  }
  if (listen_fd_ >= 0) close(listen_fd_);
  listen_fd_ = fd;
  return ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6&>(bound).sin6_port
                                           : reinterpret_cast<sockaddr_in&>(bound).sin_port);
}

bool Server::Loop::Run() {
  if (listen_fd_ < 0) return false;
  const size_t files = RaiseFileLimit();
  max_connections_ = std::min(options_.max_connections, files > 2 * kReservedFds ? files - kReservedFds : kReservedFds);
  if (epoll_fd_ < 0 || event_fd_ < 0) return false;
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = &listen_tag_;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev) != 0) return false;
  ev.data.ptr = &wake_tag_;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, event_fd_, &ev) != 0) return false;
  for (int i = 0; i < std::max(1, options_.worker_threads); ++i) workers_.emplace_back([this] { WorkerMain(); });

  std::vector<epoll_event> events(256);
  int64_t next_sweep = NowMs() + kSweepIntervalMs;
  bool ok = true;
  while (true) {
    int64_t now = NowMs();
    if (stopping_.load() && !stop_begun_) BeginStop(now);
    if (stop_begun_) {
      bool busy = processing_ > 0;
      for (const auto& c : connections_) busy = busy || c->phase == Phase::kWriting;
      if (!busy || (processing_ == 0 && now >= stop_deadline_)) break;
    }
    int timeout = static_cast<int>(std::clamp<int64_t>(next_sweep - now, 0, kSweepIntervalMs));
    SubmitReady();  // whatever this round's events and completions made ready
    // Workers write the eventfd only while this thread sleeps (or is about to):
    // announce the sleep first, then look for responses that came before it.
    sleeping_.store(true);
    {
      std::lock_guard<std::mutex> lock(done_mu_);
      if (!done_.empty()) timeout = 0;
    }
    const int n = epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), timeout);
    sleeping_.store(false);
    if (n < 0 && errno != EINTR) {
      ok = false;
      break;
    }
    now = NowMs();
    for (int i = 0; i < n; ++i) {
      void* tag = events[i].data.ptr;
      if (tag == &listen_tag_) {
        Accept(now);
      } else if (tag == &wake_tag_) {
        uint64_t count;
        [[maybe_unused]] ssize_t r = read(event_fd_, &count, sizeof(count));
      } else {
        OnEvent(static_cast<Connection*>(tag), events[i].events, now);
      }
    }
    DrainCompletions(now);
    if (now >= next_sweep) {
      Sweep(now);
      next_sweep = now + kSweepIntervalMs;
    }
    if (!paused_.empty() && buffered_bytes_ < options_.max_buffered_bytes) ResumePaused(now);
    graveyard_.clear();
  }

  StopWorkers();
  while (!connections_.empty()) Close(connections_.back().get());
  graveyard_.clear();
  if (listen_fd_ >= 0) {
    close(listen_fd_);
    listen_fd_ = -1;
  }
  return ok;
}

void Server::Loop::BeginStop(int64_t now) {
  stop_begun_ = true;
  stop_deadline_ = now + kStopGraceMs;
  if (listen_fd_ >= 0) {
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
    close(listen_fd_);
    listen_fd_ = -1;
  }
  // Idle and half-received requests are dropped; those being handled or written finish.
  std::vector<Connection*> drop;
  for (const auto& c : connections_)
    if (c->phase == Phase::kReading || c->phase == Phase::kLingering) drop.push_back(c.get());
  for (Connection* c : drop) Close(c);
}

void Server::Loop::Accept(int64_t now) {
  if (stop_begun_) return;
  while (true) {
    sockaddr_storage addr{};
    socklen_t size = sizeof(addr);
    const int fd = accept4(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &size, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if ((errno == EMFILE || errno == ENFILE) && EvictOne()) continue;
      if (errno == EMFILE || errno == ENFILE) {
        // Nothing to evict: stop watching the listener for a moment rather than spin.
        epoll_event ev{};
        ev.data.ptr = &listen_tag_;
        epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, listen_fd_, &ev);
        accept_paused_ = true;
        accept_resume_at_ = now + 100;
      }
      return;
    }
    if (connections_.size() >= max_connections_ && !EvictOne()) {
      close(fd);
      continue;
    }
    int yes = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
    const Router* router = router_;
    auto c = std::make_unique<Connection>(fd, PeerAddress(addr), [router](const RequestHead& head) {
      return router->MaxBodyBytes(head.path, head.Header("X-Amz-Target"));
    });
    c->deadline = now + options_.idle_timeout_ms;
    if (options_.tls) {
      c->tls = options_.tls->NewSession();
      if (c->tls == nullptr) {
        close(fd);
        continue;
      }
      c->deadline = now + options_.header_timeout_ms;  // for the handshake
    }
    c->waiting_since = now;
    c->index = connections_.size();
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    ev.data.ptr = c.get();
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
      close(fd);
      continue;
    }
    connections_.push_back(std::move(c));
  }
}

bool Server::Loop::EvictOne() {
  Connection* victim = nullptr;
  for (const auto& c : connections_) {
    if (c->closed) continue;
    if (c->phase == Phase::kLingering) {
      victim = c.get();
      break;
    }
    if (c->phase == Phase::kReading && (victim == nullptr || c->waiting_since < victim->waiting_since)) {
      victim = c.get();
    }
  }
  if (victim == nullptr) return false;
  Close(victim);
  return true;
}

void Server::Loop::OnEvent(Connection* c, uint32_t events, int64_t now) {
  if (c->closed) return;
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) c->readable = true;
  if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) c->hung_up = true;
  if (events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) c->writable = true;
  switch (c->phase) {
    case Phase::kProcessing:
      return;  // the worker's; flags are acted on once the response is back
    case Phase::kLingering:
      DrainLinger(c);
      return;
    case Phase::kWriting:
      if (c->writable) Flush(c, now);
      return;
    case Phase::kReading:
      if (c->writable && Unsent(*c)) Flush(c, now);  // a 100 Continue, a handshake message
      if (!c->closed) ReadAndParse(c, now);
      return;
  }
}

void Server::Loop::ReadAndParse(Connection* c, int64_t now) {
  // Pipelined bytes received with an earlier request come first.
  while (c->phase == Phase::kReading && !c->closed && c->in_pos < c->in.size()) {
    const size_t used = Feed(c, std::string_view(c->in).substr(c->in_pos), now);
    if (c->closed) return;
    c->in_pos += used;
    if (c->in_pos >= c->in.size()) {  // also after an error answer emptied `in`
      c->in.clear();
      c->in_pos = 0;
    }
    Account(c);
    if (c->parser.state() == RequestParser::State::kNeedMore) break;
  }
  while (c->phase == Phase::kReading && !c->closed && c->readable) {
    if (buffered_bytes_ >= options_.max_buffered_bytes) {
      if (!c->paused) {
        c->paused = true;
        paused_.push_back(c);
      }
      return;
    }
    const ssize_t n = recv(c->fd, read_buffer_.get(), kReadChunk, 0);
    if (n > 0) {
      // A short read drained the socket; the next arrival raises a new edge.
      if (static_cast<size_t>(n) < kReadChunk && !c->hung_up) c->readable = false;
      std::string_view bytes(read_buffer_.get(), static_cast<size_t>(n));
      if (c->tls != nullptr) {
        if (!Decrypt(c, bytes, now)) return;
        bytes = plaintext_;
      }
      const size_t used = Feed(c, bytes, now);
      if (used < bytes.size() && !c->closed && c->phase == Phase::kProcessing) {
        c->in.append(bytes.substr(used));  // the next, pipelined request
        Account(c);
      }
    } else if (n == 0) {
      Close(c);  // the peer is gone; a half-received request has nobody to answer
      return;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      c->readable = false;
    } else if (errno != EINTR) {
      Close(c);
      return;
    }
  }
}

bool Server::Loop::Decrypt(Connection* c, std::string_view ciphertext, int64_t now) {
  const bool was_established = c->tls->established();
  plaintext_.clear();
  switch (c->tls->Receive(ciphertext, plaintext_, c->wire)) {
    case crypto::TlsSession::Outcome::kOpen:
      break;
    case crypto::TlsSession::Outcome::kClosed:
      // The client will send nothing more: as at the end of a plain stream, a
      // request it completed with its close_notify still gets its answer.
      if (plaintext_.empty()) {
        Close(c);
        return false;
      }
      c->hung_up = true;
      break;
    case crypto::TlsSession::Outcome::kFailed:
      SendNow(c->fd, std::string_view(c->wire).substr(c->wire_pos));  // the alert, if it fits
      Close(c);
      return false;
    case crypto::TlsSession::Outcome::kNotTls:
      // Answered in the client's own terms.
      c->tls.reset();
      c->wire.clear();
      c->wire_pos = 0;
      AnswerError(c, 400, "BadRequestException", kPlainHttpToHttps, now);
      return false;
  }
  if (!was_established && c->tls->established()) {
    c->deadline = now + options_.idle_timeout_ms;  // the handshake is done: now a request is awaited
    c->waiting_since = now;
  }
  if (Unsent(*c)) Flush(c, now);
  return !c->closed;
}

size_t Server::Loop::Feed(Connection* c, std::string_view bytes, int64_t now) {
  RequestParser& parser = c->parser;
  const bool was_started = parser.started();
  const size_t used = parser.Feed(bytes);
  switch (parser.state()) {
    case RequestParser::State::kNeedMore:
      if (!c->head_seen && parser.head_complete()) {
        c->head_seen = true;
        c->deadline = now + options_.body_timeout_ms;
      } else if (!was_started && parser.started()) {
        c->deadline = now + options_.header_timeout_ms;
      }
      if (parser.wants_continue()) {
        parser.ContinueSent();
        c->out.append(kContinue, sizeof(kContinue) - 1);
        Flush(c, now);
      }
      Account(c);
      break;
    case RequestParser::State::kComplete:
      Account(c);
      Dispatch(c);
      break;
    case RequestParser::State::kError: {
      const ParseError& error = parser.error();
      AnswerError(c, error.status, error.aws_type, error.message, now);
      break;
    }
  }
  return used;
}

void Server::Loop::Account(Connection* c) {
  const size_t now_held = c->closed ? 0 : c->parser.buffered_bytes() + (c->in.size() - c->in_pos);
  buffered_bytes_ = buffered_bytes_ - c->accounted + now_held;
  c->accounted = now_held;
}

void Server::Loop::Dispatch(Connection* c) {
  c->phase = Phase::kProcessing;
  c->deadline = kNever;
  ++processing_;
  ready_.push_back(c);
}

void Server::Loop::SubmitReady() {
  if (ready_.empty()) return;
  {
    std::lock_guard<std::mutex> lock(jobs_mu_);
    jobs_.insert(jobs_.end(), ready_.begin(), ready_.end());
  }
  jobs_ready_.release(static_cast<std::ptrdiff_t>(ready_.size()));
  ready_.clear();
}

void Server::Loop::StopWorkers() {
  workers_stop_.store(true);
  jobs_ready_.release(static_cast<std::ptrdiff_t>(workers_.size()));
  for (auto& t : workers_) t.join();
  workers_.clear();
}

void Server::Loop::WorkerMain() {
  while (true) {
    jobs_ready_.acquire();
    Connection* c = nullptr;
    {
      std::lock_guard<std::mutex> lock(jobs_mu_);
      if (jobs_.empty()) {
        if (workers_stop_.load()) return;
        continue;
      }
      c = jobs_.front();
      jobs_.pop_front();
    }
    Handle(c);
    // The connection is still this worker's: write what the socket takes now,
    // so the answer does not wait for the I/O thread to wake. Only when no
    // earlier bytes are pending, so the order on the wire holds.
    if (c->out_pos == c->out.size()) c->response_sent = SendNow(c, c->response);
    {
      std::lock_guard<std::mutex> lock(done_mu_);
      done_.push_back(c);
    }
    if (sleeping_.load()) Wake();
  }
}

void Server::Loop::Handle(Connection* c) {
  ParsedRequest& parsed = c->parser.mutable_request();
  HttpRequest request{parsed.method, parsed.path, {}, {}, parsed.body, c->remote_addr};
  // Only the URL's query is signed as such; a form body's fields are not query parameters.
  if (!parsed.query.empty()) {
    for (const auto& [k, v] : ParseForm(parsed.query)) request.query.emplace_back(k, v);
  }
  request.headers.swap(parsed.headers);  // lent, and returned below, to keep its capacity
  c->response.clear();
  const bool head = parsed.method == "HEAD";
  try {
    HttpResponse response = router_->Handle(request);
    AppendResponse(c->response, response.status, response.content_type, response.body, response.request_id,
                   parsed.keep_alive, parsed.minor_version, head, response.crc32);
    c->close_after_write = !parsed.keep_alive;
  } catch (...) {
    // Third-party code (RapidJSON allocation, the standard library) may throw; our code does not.
    c->response.clear();
    AppendError(c->response, 500, "InternalServerError", "Unexpected server error.");
    c->close_after_write = true;
  }
  request.headers.swap(parsed.headers);
}

void Server::Loop::DrainCompletions(int64_t now) {
  {
    std::lock_guard<std::mutex> lock(done_mu_);
    if (done_.empty()) return;
    done_batch_.swap(done_);
  }
  for (Connection* c : done_batch_) {
    --processing_;
    c->phase = Phase::kWriting;
    c->deadline = now + options_.write_timeout_ms;
    if (stop_begun_) c->close_after_write = true;
    if (c->out_pos == c->out.size()) {
      c->out.swap(c->response);
      c->out_pos = c->response_sent;
    } else {
      c->out.append(c->response);
    }
    c->response.clear();
    c->response_sent = 0;
    Flush(c, now);
  }
  done_batch_.clear();
}

void Server::Loop::Flush(Connection* c, int64_t now) {
  if (c->tls != nullptr && c->out_pos < c->out.size()) {
    if (!c->tls->Send(std::string_view(c->out).substr(c->out_pos), c->wire)) {
      Close(c);
      return;
    }
    c->out_pos = c->out.size();
  }
  std::string& bytes = c->tls != nullptr ? c->wire : c->out;
  size_t& sent = c->tls != nullptr ? c->wire_pos : c->out_pos;
  while (sent < bytes.size()) {
    const ssize_t n = send(c->fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      c->writable = false;
      return;
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      Close(c);
      return;
    }
  }
  c->out.clear();
  c->out_pos = 0;
  c->wire.clear();
  c->wire_pos = 0;
  if (c->phase == Phase::kWriting) AfterResponse(c, now);
}

void Server::Loop::AfterResponse(Connection* c, int64_t now) {
  if (c->close_after_write) {
    Linger(c, now);
    return;
  }
  c->parser.Reset();
  c->phase = Phase::kReading;
  c->head_seen = false;
  c->deadline = now + options_.idle_timeout_ms;
  c->waiting_since = now;
  Account(c);
  ReadAndParse(c, now);
}

void Server::Loop::AnswerError(Connection* c, int status, std::string_view aws_type, const std::string& message,
                               int64_t now) {
  AppendError(c->out, status, aws_type, message);
  c->parser.Reset();  // frees what the refused request held
  c->in.clear();
  c->in_pos = 0;
  Account(c);
  c->phase = Phase::kWriting;
  c->close_after_write = true;
  c->deadline = now + options_.write_timeout_ms;
  Flush(c, now);
}

void Server::Loop::Linger(Connection* c, int64_t now) {
  if (stop_begun_ || c->hung_up) {
    Close(c);
    return;
  }
  if (c->tls != nullptr) {
    // close_notify tells the client the answer is whole; sent if the socket takes it now.
    c->tls->Close(c->wire);
    SendNow(c->fd, c->wire);
    c->wire.clear();
  }
  shutdown(c->fd, SHUT_WR);
  c->phase = Phase::kLingering;
  c->deadline = now + options_.linger_ms;
  c->readable = true;
  DrainLinger(c);
}

void Server::Loop::DrainLinger(Connection* c) {
  while (true) {
    const ssize_t n = recv(c->fd, read_buffer_.get(), kReadChunk, 0);
    if (n > 0) continue;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    Close(c);  // EOF or error
    return;
  }
}

void Server::Loop::Close(Connection* c) {
  if (c->closed) return;
  c->closed = true;
  close(c->fd);  // also leaves the epoll set
  Account(c);
  if (c->paused) paused_.erase(std::find(paused_.begin(), paused_.end(), c));
  const size_t index = c->index;
  std::unique_ptr<Connection> owned = std::move(connections_[index]);
  if (index + 1 != connections_.size()) {
    connections_[index] = std::move(connections_.back());
    connections_[index]->index = index;
  }
  connections_.pop_back();
  graveyard_.push_back(std::move(owned));
}

void Server::Loop::Sweep(int64_t now) {
  if (accept_paused_ && now >= accept_resume_at_ && listen_fd_ >= 0) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = &listen_tag_;
    epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, listen_fd_, &ev);
    accept_paused_ = false;
  }
  std::vector<Connection*> expired;
  for (const auto& c : connections_)
    if (c->deadline <= now) expired.push_back(c.get());
  for (Connection* c : expired) {
    if (c->closed) continue;
    if (c->phase == Phase::kReading && c->parser.started()) {
      AnswerError(c, 408, "RequestTimeoutException",
                  c->head_seen ? "The request body was not received in time."
                               : "The request headers were not received in time.",
                  now);
    } else {
      Close(c);  // idle keep-alive, an unread response, or a finished linger
    }
  }
}

void Server::Loop::ResumePaused(int64_t now) {
  std::vector<Connection*> resume;
  resume.swap(paused_);
  for (Connection* c : resume) c->paused = false;
  for (Connection* c : resume) {
    if (!c->closed && buffered_bytes_ < options_.max_buffered_bytes) {
      ReadAndParse(c, now);
    } else if (!c->closed) {
      c->paused = true;
      paused_.push_back(c);
    }
  }
}

Server::Server(const Router* router, ServerOptions options) : loop_(std::make_unique<Loop>(router, options)) {}

Server::~Server() = default;

int Server::Bind(const std::string& host, int port) { return loop_->Bind(host, port); }

bool Server::Run() { return loop_->Run(); }

void Server::Stop() { loop_->Stop(); }

}  // namespace kmslab::http
