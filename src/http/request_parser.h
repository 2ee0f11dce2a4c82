// RequestParser: a strict, incremental HTTP/1.1 request parser (RFC 9112).
//
// Pure: no I/O, no clock. The server feeds it bytes as they arrive; it answers
// "need more", "a complete request" or "an error" carrying the HTTP status and
// an AWS-style error type and message the front end sends before closing.
// Every rule that makes it reject is decided on the bytes seen so far, so a
// malformed head is refused as soon as its offending line is complete, and an
// oversized body as soon as its declared (or chunked) size passes the limit,
// before the body is read.
//
// Bounds (all named below): request line 8 KiB (414), header section 32 KiB
// and 100 fields (431), chunk-size line 1 KiB and trailer section 8 KiB (400 /
// 431), body limit chosen per request by the caller's BodyLimitFn from the
// parsed head (413). Content-Length: digits only, no overflow, duplicates
// agree; Transfer-Encoding: exactly `chunked` (other codings 501); both -> 400;
// neither -> empty body. Header lines without ':', whitespace before ':',
// obs-fold, bare CR or LF, NUL and other control bytes -> 400.
//
// One parser per connection; not thread-safe. After kComplete, request()'s
// views stay valid until Reset(); Reset() keeps buffer
// capacity so a keep-alive connection allocates little per request.
#ifndef KMSLAB_HTTP_REQUEST_PARSER_H_
#define KMSLAB_HTTP_REQUEST_PARSER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kmslab::http {

inline constexpr size_t kMaxRequestLineBytes = 8 * 1024;   // longer: 414
inline constexpr size_t kMaxHeaderBytes = 32 * 1024;       // whole head, request line included: 431
inline constexpr size_t kMaxHeaderFields = 100;            // more: 431
inline constexpr size_t kMaxChunkLineBytes = 1024;         // chunk size + extensions: 400
inline constexpr size_t kMaxTrailerBytes = 8 * 1024;       // trailer section: 431

// The head of a request as parsed so far; what a BodyLimitFn may look at.
struct RequestHead {
  std::string_view method;
  std::string_view target;  // as sent
  std::string_view path;    // target up to '?'
  std::string_view query;   // raw text after '?', "" without one
  int minor_version = 1;    // HTTP/1.<minor>: 0 or 1
  std::vector<std::pair<std::string_view, std::string_view>> headers;  // as received, values trimmed

  // The first header of that name (case-insensitive), or "".
  std::string_view Header(std::string_view name) const;
};

struct ParsedRequest : RequestHead {
  std::string_view body;  // de-chunked
  bool keep_alive = true;  // the connection may carry another request afterwards
};

// Why a request was refused; the connection closes after the answer.
struct ParseError {
  int status = 400;
  std::string_view aws_type;  // "__type" of the JSON body
  std::string message;
};

// Maximum body bytes for a request with this head. Called once per request,
// after the head and before any body byte is accepted.
using BodyLimitFn = std::function<size_t(const RequestHead& head)>;

class RequestParser {
 public:
  enum class State { kNeedMore, kComplete, kError };

  explicit RequestParser(BodyLimitFn body_limit);
  // request() views the parser's own buffers: not copied or moved.
  RequestParser(const RequestParser&) = delete;
  RequestParser& operator=(const RequestParser&) = delete;

  // Consumes a prefix of `bytes` and returns its length. Stops at the end of a
  // complete request (the rest belongs to the next, pipelined request) and
  // consumes nothing once complete or failed.
  size_t Feed(std::string_view bytes);

  State state() const { return state_; }
  // Valid when state() == kComplete.
  const ParsedRequest& request() const { return request_; }
  ParsedRequest& mutable_request() { return request_; }
  // Valid when state() == kError.
  const ParseError& error() const { return error_; }

  // True once a byte of this request arrived (leading empty lines count).
  bool started() const { return started_; }
  // True once the head is complete (the body may still be arriving).
  bool head_complete() const { return phase_ > Phase::kHeaders; }
  // True when the head asked for `Expect: 100-continue`, a body is expected
  // and none of it has arrived: the server should send 100 Continue (once).
  bool wants_continue() const { return wants_continue_; }
  void ContinueSent() { wants_continue_ = false; }

  // Bytes held for the current request (head and body buffers).
  size_t buffered_bytes() const { return head_.size() + line_.size() + body_.size(); }

  // Starts the next request on the same connection.
  void Reset();

 private:
  enum class Phase { kRequestLine, kHeaders, kBody, kChunkLine, kChunkData, kChunkDataEnd, kTrailers, kDone };

  // Appends bytes up to and including the next LF to `buffer`, whose current
  // line starts at `line_start`; more than `max` bytes before the CR sets
  // *too_long. Returns the bytes consumed; once the line ended, *line views it
  // with its CR (if any) but without the LF.
  size_t TakeLine(std::string_view bytes, std::string& buffer, size_t line_start, size_t max, bool* too_long,
                  std::string_view* line);
  // Strips the CR of a line TakeLine ended. False when it has not ended, or
  // after Fail() when it ended in a bare LF.
  bool LineEnded(std::string_view* line);
  size_t FeedHead(std::string_view bytes);
  size_t FeedBody(std::string_view bytes);
  size_t FeedChunked(std::string_view bytes);
  // Each returns false after Fail().
  bool OnRequestLine(std::string_view line);
  bool OnHeaderLine(std::string_view line, bool trailer);
  bool OnHeadComplete();
  bool OnChunkLine(std::string_view line);
  bool Fail(int status, std::string_view aws_type, std::string message);
  void Complete();

  BodyLimitFn body_limit_fn_;
  State state_ = State::kNeedMore;
  Phase phase_ = Phase::kRequestLine;
  bool started_ = false;
  bool wants_continue_ = false;
  std::string head_;        // the head as received, CRLFs included (append-only until complete)
  size_t line_start_ = 0;   // offset in head_ of the line being received
  // Offsets into head_ (stable while head_ grows, unlike views).
  struct Span {
    size_t begin, size;
  };
  Span method_{}, target_{};
  std::vector<std::pair<Span, Span>> fields_;
  std::string line_;        // the current chunk-size or trailer line
  std::string body_;
  size_t body_limit_ = 0;
  uint64_t remaining_ = 0;  // of the Content-Length body or the current chunk
  size_t trailer_bytes_ = 0;
  ParsedRequest request_;
  ParseError error_;
};

}  // namespace kmslab::http

#endif  // KMSLAB_HTTP_REQUEST_PARSER_H_
