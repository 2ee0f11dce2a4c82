// libFuzzer entry point for http::RequestParser (src/http/request_parser.h).
//
// Feeds the input whole, byte by byte, and in splits derived from the input
// itself, and checks that every split pattern reaches the same outcome (state,
// bytes consumed, status, method, path, query, body, header count) and that the
// parser's bounds hold. Links against kmslab_http_parser (http_parser_dep) only.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "http/request_parser.h"

namespace {

using kmslab::http::kMaxHeaderFields;
using kmslab::http::ParsedRequest;
using kmslab::http::RequestHead;
using kmslab::http::RequestParser;

constexpr size_t kFuzzBodyLimit = 4096;

void Check(bool condition) {
  if (!condition) std::abort();
}

struct Outcome {
  RequestParser::State state;
  size_t consumed = 0;
  int status = 0;
  std::string method, path, query, body;
  size_t headers = 0;
  bool keep_alive = false;
};

// Feeds `data` in pieces of the given sizes (cycled), stopping when the parser stops consuming.
Outcome Run(std::string_view data, const std::vector<size_t>& pieces) {
  RequestParser parser([](const RequestHead& head) {
    return head.Header("X-Amz-Target").starts_with("DynamoDB_20120810.") ? 4 * kFuzzBodyLimit : kFuzzBodyLimit;
  });
  Outcome out;
  size_t i = 0;
  while (out.consumed < data.size() && parser.state() == RequestParser::State::kNeedMore) {
    const size_t piece = std::max<size_t>(1, pieces[i++ % pieces.size()]);
    const std::string_view chunk = data.substr(out.consumed, piece);
    const size_t used = parser.Feed(chunk);
    Check(used <= chunk.size());
    // A parser that still needs more must have taken the whole chunk.
    if (parser.state() == RequestParser::State::kNeedMore) Check(used == chunk.size());
    out.consumed += used;
  }
  out.state = parser.state();
  if (out.state == RequestParser::State::kError) {
    const int s = parser.error().status;
    Check(s == 400 || s == 413 || s == 414 || s == 417 || s == 431 || s == 501 || s == 505);
    Check(!parser.error().aws_type.empty() && !parser.error().message.empty());
    out.status = s;
  } else if (out.state == RequestParser::State::kComplete) {
    const ParsedRequest& r = parser.request();
    Check(r.body.size() <= 4 * kFuzzBodyLimit);
    Check(r.headers.size() <= kMaxHeaderFields);
    Check(!r.method.empty());
    Check(!r.path.empty());
    for (const auto& [name, value] : r.headers) {
      Check(!name.empty());
      for (char c : name) Check(c != ':' && c != ' ' && c != '\t' && c != '\r' && c != '\n');
      for (char c : value) Check(c != '\r' && c != '\n' && c != '\0');
    }
    out.method = r.method;
    out.path = r.path;
    out.query = r.query;
    out.body = r.body;
    out.headers = r.headers.size();
    out.keep_alive = r.keep_alive;
  }
  Check(parser.buffered_bytes() <= 64 * 1024 + 4 * kFuzzBodyLimit);
  // Reset always leaves a parser ready for the next request.
  parser.Reset();
  Check(parser.state() == RequestParser::State::kNeedMore && parser.buffered_bytes() == 0);
  return out;
}

void Same(const Outcome& a, const Outcome& b) {
  Check(a.state == b.state);
  Check(a.status == b.status);
  if (a.state == RequestParser::State::kComplete) {
    Check(a.consumed == b.consumed);
    Check(a.method == b.method && a.path == b.path && a.query == b.query && a.body == b.body);
    Check(a.headers == b.headers && a.keep_alive == b.keep_alive);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const Outcome whole = Run(input, {size == 0 ? 1 : size});
  Same(whole, Run(input, {1}));
  Same(whole, Run(input, {2, 3, 5, 7}));
  // Splits taken from the input's own bytes, so the fuzzer explores boundaries.
  std::vector<size_t> pieces;
  for (size_t i = 0; i < std::min<size_t>(size, 16); ++i) pieces.push_back(1 + data[i] % 64);
  if (!pieces.empty()) Same(whole, Run(input, pieces));
  return 0;
}
