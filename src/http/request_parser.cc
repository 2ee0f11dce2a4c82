#include "http/request_parser.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "core/strings.h"

namespace kmslab::http {

namespace {

constexpr std::string_view kBadRequest = "BadRequestException";
constexpr std::string_view kTooLarge = "RequestEntityTooLargeException";
constexpr std::string_view kUriTooLong = "RequestURITooLongException";
constexpr std::string_view kHeadersTooLarge = "RequestHeaderFieldsTooLargeException";
constexpr std::string_view kNotImplemented = "NotImplementedException";
constexpr std::string_view kVersionNotSupported = "HttpVersionNotSupportedException";
constexpr std::string_view kExpectationFailed = "ExpectationFailedException";
// A body buffer larger than this is released between requests rather than kept.
constexpr size_t kKeptBodyCapacity = 1024 * 1024;
// Content-Length bodies reserve at most this much before their bytes arrive.
constexpr size_t kMaxBodyReserve = 1024 * 1024;

bool IsTchar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return c != 0 && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

// Field values and chunk extensions: HTAB, SP, VCHAR, obs-text; no other control bytes.
bool IsFieldByte(unsigned char c) { return c == '\t' || (c >= 0x20 && c != 0x7f); }

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// True when the comma-separated list `value` holds `token` (case-insensitive).
bool ListHas(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    size_t comma = value.find(',');
    if (core::EqualsIgnoreCase(Trim(value.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

// Digits only; false on anything else or on overflow.
bool ParseDecimal(std::string_view s, uint64_t* out) {
  if (s.empty()) return false;
  uint64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (n > (std::numeric_limits<uint64_t>::max() - digit) / 10) return false;
    n = n * 10 + digit;
  }
  *out = n;
  return true;
}

}  // namespace

std::string_view RequestHead::Header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (core::EqualsIgnoreCase(k, name)) return v;
  return "";
}

RequestParser::RequestParser(BodyLimitFn body_limit) : body_limit_fn_(std::move(body_limit)) {}

void RequestParser::Reset() {
  state_ = State::kNeedMore;
  phase_ = Phase::kRequestLine;
  started_ = false;
  wants_continue_ = false;
  head_.clear();
  line_start_ = 0;
  fields_.clear();
  line_.clear();
  if (body_.capacity() > kKeptBodyCapacity) {
    std::string().swap(body_);
  } else {
    body_.clear();
  }
  body_limit_ = 0;
  remaining_ = 0;
  trailer_bytes_ = 0;
  request_.headers.clear();
  request_.method = request_.target = request_.path = request_.query = request_.body = {};
  request_.minor_version = 1;
  request_.keep_alive = true;
  error_ = {};
}

bool RequestParser::Fail(int status, std::string_view aws_type, std::string message) {
  state_ = State::kError;
  wants_continue_ = false;
  error_.status = status;
  error_.aws_type = aws_type;
  error_.message = std::move(message);
  return false;
}

void RequestParser::Complete() {
  state_ = State::kComplete;
  phase_ = Phase::kDone;
  wants_continue_ = false;
  request_.body = body_;
}

size_t RequestParser::Feed(std::string_view bytes) {
  if (state_ != State::kNeedMore || bytes.empty()) return 0;
  started_ = true;
  size_t used = 0;
  if (phase_ <= Phase::kHeaders) used = FeedHead(bytes);
  if (state_ == State::kNeedMore && phase_ > Phase::kHeaders && used < bytes.size()) {
    wants_continue_ = false;
    const std::string_view rest = bytes.substr(used);
    used += phase_ == Phase::kBody ? FeedBody(rest) : FeedChunked(rest);
  }
  return used;
}

size_t RequestParser::TakeLine(std::string_view bytes, std::string& buffer, size_t line_start, size_t max,
                               bool* too_long, std::string_view* line) {
  *line = {};
  const void* lf = std::memchr(bytes.data(), '\n', bytes.size());
  const size_t n = lf ? static_cast<size_t>(static_cast<const char*>(lf) - bytes.data()) + 1 : bytes.size();
  // The line's length so far without its LF; one more byte is allowed for the CR.
  const size_t length = buffer.size() - line_start + n - (lf ? 1 : 0);
  if (length > max + 1) {
    *too_long = true;
    return n;
  }
  buffer.append(bytes.data(), n);
  if (lf) *line = std::string_view(buffer).substr(line_start, buffer.size() - line_start - 1);
  return n;
}

bool RequestParser::LineEnded(std::string_view* line) {
  if (line->data() == nullptr) return false;
  if (line->empty() || line->back() != '\r') return Fail(400, kBadRequest, "A line of the request ends in LF without CR.");
  line->remove_suffix(1);
  return true;
}

size_t RequestParser::FeedHead(std::string_view bytes) {
  size_t used = 0;
  while (used < bytes.size() && state_ == State::kNeedMore && phase_ <= Phase::kHeaders) {
    const bool request_line = phase_ == Phase::kRequestLine;
    const size_t head_room = line_start_ < kMaxHeaderBytes ? kMaxHeaderBytes - line_start_ : 0;
    const size_t max = request_line ? std::min(kMaxRequestLineBytes, head_room) : head_room;
    bool too_long = false;
    std::string_view line;
    used += TakeLine(bytes.substr(used), head_, line_start_, max, &too_long, &line);
    if (too_long) {
      if (request_line && head_room >= kMaxRequestLineBytes) {
        Fail(414, kUriTooLong,
             "The request line exceeds " + std::to_string(kMaxRequestLineBytes) + " bytes.");
      } else {
        Fail(431, kHeadersTooLarge, "The request's header section exceeds " + std::to_string(kMaxHeaderBytes) + " bytes.");
      }
      break;
    }
    if (!LineEnded(&line)) break;
    line_start_ = head_.size();
    if (request_line) {
      if (!line.empty()) OnRequestLine(line);  // empty lines before a request are ignored (RFC 9112 2.2)
    } else if (line.empty()) {
      OnHeadComplete();
    } else {
      OnHeaderLine(line, false);
    }
  }
  return used;
}

bool RequestParser::OnRequestLine(std::string_view line) {
  const size_t sp1 = line.find(' ');
  const size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) {
    return Fail(400, kBadRequest, "The request line is not METHOD SP TARGET SP HTTP-VERSION.");
  }
  const std::string_view method = line.substr(0, sp1);
  const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  if (method.empty()) return Fail(400, kBadRequest, "The request line has no method.");
  for (char c : method)
    if (!IsTchar(static_cast<unsigned char>(c))) return Fail(400, kBadRequest, "The method is not a token.");
  if (target.empty()) return Fail(400, kBadRequest, "The request line has no target.");
  for (char c : target) {
    if (c <= 0x20 || c >= 0x7f) return Fail(400, kBadRequest, "The request target holds a byte outside visible ASCII.");
  }
  if (version.size() != 8 || !version.starts_with("HTTP/") || version[5] < '0' || version[5] > '9' ||
      version[6] != '.' || version[7] < '0' || version[7] > '9') {
    return Fail(400, kBadRequest, "The request line does not end in HTTP/1.1 or HTTP/1.0.");
  }
  if (version[5] != '1') return Fail(505, kVersionNotSupported, "Only HTTP/1.1 and HTTP/1.0 are served.");
  if (target[0] != '/' && target != "*" && !target.starts_with("http://") && !target.starts_with("https://")) {
    return Fail(400, kBadRequest, "The request target is neither a path nor an absolute URI.");
  }
  const size_t base = static_cast<size_t>(line.data() - head_.data());
  method_ = {base, method.size()};
  target_ = {base + sp1 + 1, target.size()};
  request_.minor_version = version[7] == '0' ? 0 : 1;
  phase_ = Phase::kHeaders;
  return true;
}

bool RequestParser::OnHeaderLine(std::string_view line, bool trailer) {
  if (IsSpace(line[0])) return Fail(400, kBadRequest, "Folded header lines (obs-fold) are not accepted.");
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return Fail(400, kBadRequest, "A header line has no ':'.");
  if (colon == 0) return Fail(400, kBadRequest, "A header line has an empty name.");
  for (size_t i = 0; i < colon; ++i) {
    const unsigned char c = static_cast<unsigned char>(line[i]);
    if (IsSpace(static_cast<char>(c))) return Fail(400, kBadRequest, "A header name is followed by whitespace before ':'.");
    if (!IsTchar(c)) return Fail(400, kBadRequest, "A header name holds a byte that is not a token character.");
  }
  const std::string_view value = Trim(line.substr(colon + 1));
  for (char c : value) {
    if (!IsFieldByte(static_cast<unsigned char>(c))) {
      return Fail(400, kBadRequest, "A header value holds a control byte.");
    }
  }
  if (trailer) return true;
  if (fields_.size() >= kMaxHeaderFields) {
    return Fail(431, kHeadersTooLarge, "The request has more than " + std::to_string(kMaxHeaderFields) + " header fields.");
  }
  const size_t base = static_cast<size_t>(line.data() - head_.data());
  fields_.push_back({{base, colon}, {static_cast<size_t>(value.data() - head_.data()), value.size()}});
  return true;
}

bool RequestParser::OnHeadComplete() {
  const std::string_view head(head_);
  auto view = [&](Span s) { return head.substr(s.begin, s.size); };
  request_.method = view(method_);
  request_.target = view(target_);
  request_.headers.reserve(fields_.size());
  for (const auto& [name, value] : fields_) request_.headers.emplace_back(view(name), view(value));
  std::string_view path = request_.target;
  if (path.starts_with("http://") || path.starts_with("https://")) {
    const size_t authority = path.find("//") + 2;
    const size_t slash = path.find_first_of("/?", authority);
    path = slash == std::string_view::npos || path[slash] == '?' ? std::string_view("/") : path.substr(slash);
    if (slash != std::string_view::npos && request_.target[slash] == '?') {
      request_.query = request_.target.substr(slash + 1);
    }
  }
  if (const size_t q = path.find('?'); q != std::string_view::npos) {
    request_.query = path.substr(q + 1);
    path = path.substr(0, q);
  }
  request_.path = path;

  const bool http11 = request_.minor_version == 1;
  int hosts = 0, transfer_encodings = 0;
  bool have_length = false;
  uint64_t length = 0;
  std::string_view transfer_encoding, expect;
  bool close = false, keep_alive = false, has_expect = false;
  for (const auto& [name, value] : request_.headers) {
    if (core::EqualsIgnoreCase(name, "Host")) {
      ++hosts;
    } else if (core::EqualsIgnoreCase(name, "Content-Length")) {
      uint64_t n = 0;
      if (!ParseDecimal(value, &n)) {
        return Fail(400, kBadRequest, "Content-Length must be a decimal number of bytes.");
      }
      if (have_length && n != length) return Fail(400, kBadRequest, "Content-Length headers disagree.");
      have_length = true;
      length = n;
    } else if (core::EqualsIgnoreCase(name, "Transfer-Encoding")) {
      ++transfer_encodings;
      transfer_encoding = value;
    } else if (core::EqualsIgnoreCase(name, "Connection")) {
      close = close || ListHas(value, "close");
      keep_alive = keep_alive || ListHas(value, "keep-alive");
    } else if (core::EqualsIgnoreCase(name, "Expect")) {
      has_expect = true;
      expect = value;
    }
  }
  if (http11 && hosts != 1) return Fail(400, kBadRequest, "An HTTP/1.1 request needs exactly one Host header.");
  if (transfer_encodings > 0 && have_length) {
    return Fail(400, kBadRequest, "A request may not carry both Transfer-Encoding and Content-Length.");
  }
  if (transfer_encodings > 0 && !http11) {
    return Fail(400, kBadRequest, "Transfer-Encoding is not defined for HTTP/1.0.");
  }
  if (transfer_encodings > 1) return Fail(400, kBadRequest, "Only one Transfer-Encoding header is accepted.");
  const bool chunked = transfer_encodings == 1;
  if (chunked && !core::EqualsIgnoreCase(transfer_encoding, "chunked")) {
    return Fail(501, kNotImplemented, "Only the chunked transfer coding is implemented.");
  }
  request_.keep_alive = http11 ? !close : (keep_alive && !close);
  if (has_expect && http11 && !core::EqualsIgnoreCase(expect, "100-continue")) {
    return Fail(417, kExpectationFailed, "Only Expect: 100-continue is supported.");
  }

  body_limit_ = body_limit_fn_ ? body_limit_fn_(request_) : 0;
  if (have_length && length > body_limit_) {
    return Fail(413, kTooLarge,
                "Request body of " + std::to_string(length) + " bytes exceeds the limit of " +
                    std::to_string(body_limit_) + " bytes.");
  }
  const bool body_expected = chunked || length > 0;
  wants_continue_ = has_expect && http11 && body_expected;
  if (chunked) {
    phase_ = Phase::kChunkLine;
  } else if (length > 0) {
    phase_ = Phase::kBody;
    remaining_ = length;
    body_.reserve(static_cast<size_t>(std::min<uint64_t>(length, kMaxBodyReserve)));
  } else {
    Complete();
  }
  return true;
}

size_t RequestParser::FeedBody(std::string_view bytes) {
  const size_t n = static_cast<size_t>(std::min<uint64_t>(bytes.size(), remaining_));
  body_.append(bytes.data(), n);
  remaining_ -= n;
  if (remaining_ == 0) Complete();
  return n;
}

size_t RequestParser::FeedChunked(std::string_view bytes) {
  size_t used = 0;
  while (used < bytes.size() && state_ == State::kNeedMore) {
    const std::string_view rest = bytes.substr(used);
    if (phase_ == Phase::kChunkData) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(rest.size(), remaining_));
      body_.append(rest.data(), n);
      remaining_ -= n;
      used += n;
      if (remaining_ == 0) {
        phase_ = Phase::kChunkDataEnd;
        remaining_ = 2;  // CR LF
      }
      continue;
    }
    if (phase_ == Phase::kChunkDataEnd) {
      if (rest[0] != (remaining_ == 2 ? '\r' : '\n')) {
        Fail(400, kBadRequest, "Chunk data is not followed by CRLF.");
        break;
      }
      ++used;
      if (--remaining_ == 0) phase_ = Phase::kChunkLine;
      continue;
    }
    const bool trailer = phase_ == Phase::kTrailers;
    const size_t max = trailer ? kMaxTrailerBytes - trailer_bytes_ : kMaxChunkLineBytes;
    bool too_long = false;
    std::string_view line;
    used += TakeLine(rest, line_, 0, max, &too_long, &line);
    if (too_long) {
      if (trailer) {
        Fail(431, kHeadersTooLarge, "The trailer section exceeds " + std::to_string(kMaxTrailerBytes) + " bytes.");
      } else {
        Fail(400, kBadRequest, "A chunk-size line exceeds " + std::to_string(kMaxChunkLineBytes) + " bytes.");
      }
      break;
    }
    if (!LineEnded(&line)) break;
    if (!trailer) {
      OnChunkLine(line);
    } else if (line.empty()) {
      Complete();
    } else {
      trailer_bytes_ += line.size() + 2;
      OnHeaderLine(line, true);
    }
    line_.clear();
  }
  return used;
}

bool RequestParser::OnChunkLine(std::string_view line) {
  uint64_t size = 0;
  size_t i = 0;
  for (; i < line.size(); ++i) {
    const int digit = core::HexDigitValue(line[i]);
    if (digit < 0) break;
    if (size > (std::numeric_limits<uint64_t>::max() >> 4)) {
      size = std::numeric_limits<uint64_t>::max();  // over any limit; reported as 413 below
      continue;
    }
    size = size * 16 + static_cast<uint64_t>(digit);
  }
  if (i == 0) return Fail(400, kBadRequest, "A chunk-size line does not start with a hexadecimal size.");
  std::string_view extension = line.substr(i);
  while (!extension.empty() && IsSpace(extension.front())) extension.remove_prefix(1);
  if (!extension.empty() && extension[0] != ';') return Fail(400, kBadRequest, "A chunk size is followed by junk.");
  for (char c : extension) {
    if (!IsFieldByte(static_cast<unsigned char>(c))) return Fail(400, kBadRequest, "A chunk extension holds a control byte.");
  }
  if (size > body_limit_ - body_.size()) {
    return Fail(413, kTooLarge, "Request body exceeds the limit of " + std::to_string(body_limit_) + " bytes.");
  }
  if (size == 0) {
    phase_ = Phase::kTrailers;
  } else {
    phase_ = Phase::kChunkData;
    remaining_ = size;
  }
  return true;
}

}  // namespace kmslab::http
