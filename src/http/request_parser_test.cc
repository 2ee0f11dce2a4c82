#include "http/request_parser.h"

#include <doctest/doctest.h>

#include <string>

namespace kmslab::http {
namespace {

constexpr size_t kLimit = 1000;

RequestParser MakeParser(size_t limit = kLimit) {
  return RequestParser([limit](const RequestHead&) { return limit; });
}

// Feeds `text` whole; returns the bytes consumed.
size_t FeedAll(RequestParser& parser, std::string_view text) { return parser.Feed(text); }

// Feeds `text` one byte at a time until the parser stops consuming.
size_t FeedBytewise(RequestParser& parser, std::string_view text) {
  size_t used = 0;
  while (used < text.size()) {
    const size_t n = parser.Feed(text.substr(used, 1));
    if (n == 0) break;
    used += n;
  }
  return used;
}

int ErrorStatus(std::string_view text, size_t limit = kLimit) {
  RequestParser whole = MakeParser(limit);
  FeedAll(whole, text);
  RequestParser bytewise = MakeParser(limit);
  FeedBytewise(bytewise, text);
  // However the bytes arrive, the answer is the same.
  CHECK(whole.state() == bytewise.state());
  if (whole.state() != RequestParser::State::kError) return 0;
  CHECK(whole.error().status == bytewise.error().status);
  CHECK(!whole.error().aws_type.empty());
  CHECK(!whole.error().message.empty());
  return whole.error().status;
}

const std::string kPost = "POST / HTTP/1.1\r\nHost: x\r\n";

TEST_CASE("a simple request parses whole and byte by byte") {
  const std::string text =
      "POST /a/b?x=1&y=%20 HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target:  TrentService.ListKeys \r\n"
      "Content-Length: 2\r\n\r\n{}";
  for (int bytewise = 0; bytewise < 2; ++bytewise) {
    RequestParser parser = MakeParser();
    const size_t used = bytewise ? FeedBytewise(parser, text) : FeedAll(parser, text);
    CHECK(used == text.size());
    REQUIRE(parser.state() == RequestParser::State::kComplete);
    const ParsedRequest& r = parser.request();
    CHECK(r.method == "POST");
    CHECK(r.target == "/a/b?x=1&y=%20");
    CHECK(r.path == "/a/b");
    CHECK(r.query == "x=1&y=%20");
    CHECK(r.minor_version == 1);
    CHECK(r.keep_alive);
    CHECK(r.body == "{}");
    REQUIRE(r.headers.size() == 3);
    CHECK(r.headers[1].first == "X-Amz-Target");
    CHECK(r.headers[1].second == "TrentService.ListKeys");
    CHECK(r.Header("x-amz-target") == "TrentService.ListKeys");
  }
}

TEST_CASE("no Content-Length and no Transfer-Encoding: an empty body") {
  RequestParser parser = MakeParser();
  const std::string text = kPost + "\r\n";
  CHECK(FeedAll(parser, text) == text.size());
  REQUIRE(parser.state() == RequestParser::State::kComplete);
  CHECK(parser.request().body.empty());
}

TEST_CASE("need more until the body is complete; pipelined requests one after another") {
  RequestParser parser = MakeParser();
  const std::string first = kPost + "Content-Length: 5\r\n\r\nhello";
  const std::string second = "GET /_kmslab/clock HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string both = first + second;
  CHECK(parser.Feed(std::string_view(both).substr(0, first.size() - 1)) == first.size() - 1);
  CHECK(parser.state() == RequestParser::State::kNeedMore);
  CHECK(parser.started());
  CHECK(parser.head_complete());
  const size_t used = parser.Feed(std::string_view(both).substr(first.size() - 1));
  CHECK(used == 1);  // stops at the end of the first request
  REQUIRE(parser.state() == RequestParser::State::kComplete);
  CHECK(parser.request().body == "hello");
  CHECK(parser.Feed(second) == 0);  // nothing more until Reset
  parser.Reset();
  CHECK(!parser.started());
  CHECK(parser.Feed(second) == second.size());
  REQUIRE(parser.state() == RequestParser::State::kComplete);
  CHECK(parser.request().method == "GET");
  CHECK(parser.request().path == "/_kmslab/clock");
}

TEST_CASE("empty lines before a request line are skipped") {
  RequestParser parser = MakeParser();
  const std::string text = "\r\n\r\n" + kPost + "\r\n";
  CHECK(FeedAll(parser, text) == text.size());
  CHECK(parser.state() == RequestParser::State::kComplete);
}

TEST_CASE("request line: shape, version, target") {
  CHECK(ErrorStatus("POST /\r\n\r\n") == 400);
  CHECK(ErrorStatus("POST  / HTTP/1.1\r\nHost: x\r\n\r\n") == 400);
  CHECK(ErrorStatus("PO(ST / HTTP/1.1\r\nHost: x\r\n\r\n") == 400);
  CHECK(ErrorStatus("POST / HTTP/1.1 \r\nHost: x\r\n\r\n") == 400);
  CHECK(ErrorStatus("POST / HTTX/1.1\r\nHost: x\r\n\r\n") == 400);
  CHECK(ErrorStatus("POST / HTTP/2.0\r\nHost: x\r\n\r\n") == 505);
  CHECK(ErrorStatus("POST foo HTTP/1.1\r\nHost: x\r\n\r\n") == 400);
  CHECK(ErrorStatus("POST /\x01 HTTP/1.1\r\nHost: x\r\n\r\n") == 400);
  RequestParser absolute = MakeParser();
  FeedAll(absolute, "POST http://h:1/p?q=1 HTTP/1.1\r\nHost: h\r\n\r\n");
  REQUIRE(absolute.state() == RequestParser::State::kComplete);
  CHECK(absolute.request().path == "/p");
  CHECK(absolute.request().query == "q=1");
}

TEST_CASE("a request line over 8 KiB: 414, before its end arrives") {
  RequestParser parser = MakeParser();
  const std::string text = "GET /" + std::string(kMaxRequestLineBytes, 'a');
  FeedAll(parser, text);
  REQUIRE(parser.state() == RequestParser::State::kError);
  CHECK(parser.error().status == 414);
  CHECK(ErrorStatus("GET /" + std::string(kMaxRequestLineBytes - 20, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n") == 0);
}

TEST_CASE("header section over 32 KiB or over 100 fields: 431") {
  std::string many = kPost;
  for (size_t i = 0; i < kMaxHeaderFields; ++i) many += "X-" + std::to_string(i) + ": v\r\n";
  CHECK(ErrorStatus(many + "\r\n") == 431);  // Host + 100
  std::string hundred = "POST / HTTP/1.1\r\n";
  for (size_t i = 0; i < kMaxHeaderFields - 1; ++i) hundred += "X-" + std::to_string(i) + ": v\r\n";
  CHECK(ErrorStatus(hundred + "Host: x\r\n\r\n") == 0);
  RequestParser parser = MakeParser();
  FeedAll(parser, kPost + "X-Big: " + std::string(kMaxHeaderBytes, 'v'));  // no line end yet
  REQUIRE(parser.state() == RequestParser::State::kError);
  CHECK(parser.error().status == 431);
}

TEST_CASE("malformed header lines are refused at once") {
  for (const std::string& line : {std::string("NoColonHere"), std::string("Name : v"), std::string("Name\t: v"),
                                  std::string(": v"), std::string("Na(me: v"), std::string("X: a\x01z"),
                                  std::string("X: a\x7fz"), std::string("X: a\rz"), std::string("X: a", 4) + '\0' + "z"}) {
    CAPTURE(line);
    RequestParser parser = MakeParser();
    FeedAll(parser, kPost + line + "\r\n");  // the head is not complete, yet the answer is known
    REQUIRE(parser.state() == RequestParser::State::kError);
    CHECK(parser.error().status == 400);
  }
  CHECK(ErrorStatus(kPost + "X-A: 1\r\n continued\r\n\r\n") == 400);  // obs-fold
  CHECK(ErrorStatus("POST / HTTP/1.1\nHost: x\n\n") == 400);            // bare LF
  CHECK(ErrorStatus(kPost + "X: \xc3\xa9\r\n\r\n") == 0);              // obs-text is allowed
}

TEST_CASE("Host: exactly one on HTTP/1.1") {
  CHECK(ErrorStatus("POST / HTTP/1.1\r\n\r\n") == 400);
  CHECK(ErrorStatus(kPost + "Host: y\r\n\r\n") == 400);
  CHECK(ErrorStatus("POST / HTTP/1.0\r\n\r\n") == 0);
}

TEST_CASE("Content-Length: digits only, no overflow, duplicates agree, over the limit 413 at once") {
  CHECK(ErrorStatus(kPost + "Content-Length: -1\r\n\r\n") == 400);
  CHECK(ErrorStatus(kPost + "Content-Length: +1\r\n\r\n") == 400);
  CHECK(ErrorStatus(kPost + "Content-Length: 1x\r\n\r\n") == 400);
  CHECK(ErrorStatus(kPost + "Content-Length: \r\n\r\n") == 400);
  CHECK(ErrorStatus(kPost + "Content-Length: 0x10\r\n\r\n") == 400);
  CHECK(ErrorStatus(kPost + "Content-Length: 1, 1\r\n\r\n") == 400);
  CHECK(ErrorStatus(kPost + "Content-Length: 99999999999999999999999\r\n\r\n") == 400);
  CHECK(ErrorStatus(kPost + "Content-Length: 2\r\nContent-Length: 3\r\n\r\nabc") == 400);
  CHECK(ErrorStatus(kPost + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc") == 0);
  CHECK(ErrorStatus(kPost + "Content-Length: 1001\r\n\r\n") == 413);
  CHECK(ErrorStatus(kPost + "Content-Length: 1000\r\n\r\n" + std::string(1000, 'b')) == 0);
  CHECK(ErrorStatus(kPost + "Content-Length: 18446744073709551615\r\n\r\n") == 413);
}

TEST_CASE("the body limit comes from the head, before any body byte") {
  bool asked = false;
  RequestParser parser([&](const RequestHead& head) {
    asked = true;
    CHECK(head.path == "/");
    return head.Header("X-Amz-Target").starts_with("DynamoDB_20120810.") ? size_t{16} : size_t{4};
  });
  FeedAll(parser, kPost + "X-Amz-Target: DynamoDB_20120810.PutItem\r\nContent-Length: 10\r\n");
  CHECK(!asked);
  FeedAll(parser, "\r\n");
  CHECK(asked);
  CHECK(parser.state() == RequestParser::State::kNeedMore);
  RequestParser kms([](const RequestHead& head) {
    return head.Header("X-Amz-Target").starts_with("DynamoDB_20120810.") ? size_t{16} : size_t{4};
  });
  FeedAll(kms, kPost + "X-Amz-Target: TrentService.Encrypt\r\nContent-Length: 10\r\n\r\n");
  REQUIRE(kms.state() == RequestParser::State::kError);
  CHECK(kms.error().status == 413);
}

TEST_CASE("chunked bodies decode, with extensions and trailers") {
  const std::string text = kPost + "Transfer-Encoding: Chunked\r\n\r\n5;name=v\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\nX-T: 1\r\n\r\n";
  for (int bytewise = 0; bytewise < 2; ++bytewise) {
    RequestParser parser = MakeParser();
    CHECK((bytewise ? FeedBytewise(parser, text) : FeedAll(parser, text)) == text.size());
    REQUIRE(parser.state() == RequestParser::State::kComplete);
    CHECK(parser.request().body == "hello 0123456789");
  }
}

TEST_CASE("chunked: over the limit 413 as soon as a chunk size passes it") {
  RequestParser parser = MakeParser();
  FeedAll(parser, kPost + "Transfer-Encoding: chunked\r\n\r\n" + "3e8\r\n" + std::string(1000, 'a') + "\r\n");
  CHECK(parser.state() == RequestParser::State::kNeedMore);
  FeedAll(parser, "1\r\n");  // the 1001st byte is announced: refused before it arrives
  REQUIRE(parser.state() == RequestParser::State::kError);
  CHECK(parser.error().status == 413);
  CHECK(ErrorStatus(kPost + "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n") == 413);
  CHECK(ErrorStatus(kPost + "Transfer-Encoding: chunked\r\n\r\n3e9\r\n") == 413);
}

TEST_CASE("chunked: malformed framing and bounded lines") {
  const std::string te = kPost + "Transfer-Encoding: chunked\r\n\r\n";
  CHECK(ErrorStatus(te + "zz\r\n") == 400);
  CHECK(ErrorStatus(te + "5 x\r\n") == 400);
  CHECK(ErrorStatus(te + "5\r\nhelloXX") == 400);
  CHECK(ErrorStatus(te + "5\nhello\r\n") == 400);
  CHECK(ErrorStatus(te + "5;" + std::string(kMaxChunkLineBytes, 'e')) == 400);
  CHECK(ErrorStatus(te + "0\r\nX: " + std::string(kMaxTrailerBytes, 't')) == 431);
  CHECK(ErrorStatus(te + "0\r\nno colon\r\n\r\n") == 400);
}

TEST_CASE("Transfer-Encoding: only chunked; never with Content-Length") {
  CHECK(ErrorStatus(kPost + "Transfer-Encoding: gzip\r\n\r\n") == 501);
  CHECK(ErrorStatus(kPost + "Transfer-Encoding: gzip, chunked\r\n\r\n") == 501);
  CHECK(ErrorStatus(kPost + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\nhello") == 400);
  CHECK(ErrorStatus(kPost + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") == 400);
  CHECK(ErrorStatus(kPost + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n") == 400);
  CHECK(ErrorStatus("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") == 400);
}

TEST_CASE("Connection semantics for HTTP/1.1 and HTTP/1.0") {
  auto keep_alive = [](const std::string& text) {
    RequestParser parser = MakeParser();
    FeedAll(parser, text);
    REQUIRE(parser.state() == RequestParser::State::kComplete);
    return parser.request().keep_alive;
  };
  CHECK(keep_alive(kPost + "\r\n"));
  CHECK(!keep_alive(kPost + "Connection: close\r\n\r\n"));
  CHECK(!keep_alive(kPost + "Connection: TE, Close\r\n\r\n"));
  CHECK(!keep_alive("POST / HTTP/1.0\r\n\r\n"));
  CHECK(keep_alive("POST / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"));
}

TEST_CASE("Expect: 100-continue is announced once, until body bytes arrive; others 417") {
  RequestParser parser = MakeParser();
  FeedAll(parser, kPost + "Expect: 100-continue\r\nContent-Length: 2\r\n\r\n");
  CHECK(parser.wants_continue());
  parser.ContinueSent();
  CHECK(!parser.wants_continue());
  FeedAll(parser, "{}");
  CHECK(parser.state() == RequestParser::State::kComplete);

  RequestParser early = MakeParser();
  FeedAll(early, kPost + "Expect: 100-continue\r\nContent-Length: 2\r\n\r\n{");
  CHECK(!early.wants_continue());  // the client did not wait

  RequestParser no_body = MakeParser();
  FeedAll(no_body, kPost + "Expect: 100-continue\r\n\r\n");
  CHECK(no_body.state() == RequestParser::State::kComplete);
  CHECK(!no_body.wants_continue());

  CHECK(ErrorStatus(kPost + "Expect: 100-continue\r\nContent-Length: 1001\r\n\r\n") == 413);
  CHECK(ErrorStatus(kPost + "Expect: something-else\r\nContent-Length: 1\r\n\r\nx") == 417);
}

TEST_CASE("Reset keeps working after errors and large bodies") {
  RequestParser parser = MakeParser(1 << 22);
  FeedAll(parser, kPost + "Content-Length: 2000000\r\n\r\n" + std::string(2000000, 'x'));
  REQUIRE(parser.state() == RequestParser::State::kComplete);
  CHECK(parser.buffered_bytes() > 2000000);
  parser.Reset();
  CHECK(parser.buffered_bytes() == 0);
  FeedAll(parser, "NoColon\r\n");
  CHECK(parser.state() == RequestParser::State::kError);
  parser.Reset();
  FeedAll(parser, kPost + "\r\n");
  CHECK(parser.state() == RequestParser::State::kComplete);
}

}  // namespace
}  // namespace kmslab::http
