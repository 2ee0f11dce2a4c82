#include "core/base64.h"

#include <doctest/doctest.h>

namespace kmslab::core {
namespace {

TEST_CASE("base64 matches RFC 4648 test vectors") {
  const char* vectors[][2] = {{"", ""},          {"f", "Zg=="},         {"fo", "Zm8="},
                              {"foo", "Zm9v"},   {"foob", "Zm9vYg=="},  {"fooba", "Zm9vYmE="},
                              {"foobar", "Zm9vYmFy"}};
  for (auto& v : vectors) {
    CHECK(Base64Encode(v[0]) == v[1]);
    std::string out;
    CHECK(Base64Decode(v[1], &out));
    CHECK(out == v[0]);
  }
}

TEST_CASE("base64 decoding is strict") {
  std::string out;
  CHECK_FALSE(Base64Decode("Zg", &out));
  CHECK_FALSE(Base64Decode("Z===", &out));
  CHECK_FALSE(Base64Decode("Zg=a", &out));
  CHECK_FALSE(Base64Decode("Zm9v\n", &out));
  CHECK_FALSE(Base64Decode("Zm-_", &out));
}

TEST_CASE("URL-safe base64 without padding") {
  std::string bytes("\xfb\xff\x01", 3), out;
  CHECK(Base64UrlEncode(bytes) == "-_8B");
  CHECK(Base64UrlEncode("f") == "Zg");
  CHECK(Base64UrlDecode("-_8B", &out));
  CHECK(out == bytes);
  CHECK(Base64UrlDecode("Zg", &out));
  CHECK(out == "f");
  CHECK_FALSE(Base64UrlDecode("Zg==", &out));
  CHECK_FALSE(Base64UrlDecode("+/8B", &out));
  CHECK_FALSE(Base64UrlDecode("Z", &out));
}

}  // namespace
}  // namespace kmslab::core
