#include "http/sigv4.h"

#include <doctest/doctest.h>

namespace kmslab::http {
namespace {

// AWS's published example ("get-vanilla" from the SigV4 test suite).
TEST_CASE("signature matches AWS's SigV4 test-suite example get-vanilla") {
  SignableRequest request{"GET", "/", {}, {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}}, ""};
  auto auth = ParseAuthorization(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
      "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  REQUIRE(auth.has_value());
  CHECK(auth->region == "us-east-1");
  CHECK(auth->service == "service");
  SigningKeyCache cache;
  CHECK(ComputeSignature(request, *auth, "20150830T123600Z", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", cache) ==
        auth->signature);
  // A different secret or body gives another signature.
  CHECK(ComputeSignature(request, *auth, "20150830T123600Z", "wrong", cache) != auth->signature);
  request.body = "x";
  CHECK(ComputeSignature(request, *auth, "20150830T123600Z", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", cache) !=
        auth->signature);
}

TEST_CASE("canonical query and header values") {
  SignableRequest request{"POST", "/", {{"b", "x y"}, {"a", "1"}}, {{"Host", "h"}, {"X-Test", "  a   b  "}}, ""};
  std::string canonical = CanonicalRequest(request, {"host", "x-test"});
  CHECK(canonical.find("\na=1&b=x%20y\n") != std::string::npos);
  CHECK(canonical.find("x-test:a b\n") != std::string::npos);
}

TEST_CASE("header values are joined per name, in arrival order, whatever the name's case") {
  SignableRequest request{"POST", "/", {}, {{"X-B", "1"}, {"Host", "h"}, {"x-b", "2"}, {"X-A", "0"}}, ""};
  const std::string canonical = CanonicalRequest(request, {"host", "x-a", "x-b", "x-missing"});
  CHECK(canonical.find("\nhost:h\nx-a:0\nx-b:1,2\nx-missing:\n\nhost;x-a;x-b;x-missing\n") != std::string::npos);
}

TEST_CASE("a list that signs a header twice is recognised") {
  CHECK_FALSE(RepeatsAName({"host", "x-amz-date", "x-amz-target"}));
  CHECK(RepeatsAName({"host", "x-amz-date", "host"}));
  CHECK(RepeatsAName({"Host", "host"}));
}

TEST_CASE("malformed Authorization headers are refused") {
  CHECK_FALSE(ParseAuthorization("AWS4-HMAC-SHA256 Credential=AK/2015/us-east-1/kms/aws4_request, "
                                 "SignedHeaders=host, Signature=00")
                  .has_value());
  CHECK_FALSE(ParseAuthorization("Basic abc").has_value());
}

}  // namespace
}  // namespace kmslab::http
