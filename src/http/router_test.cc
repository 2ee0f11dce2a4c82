#include "http/router.h"

#include <doctest/doctest.h>

namespace kmslab::http {
namespace {

TEST_CASE("HTTP status: 400 for every client error, as KMS sends; the model's with the switch") {
  CHECK(HttpStatusFor("NotFoundException") == 400);
  CHECK(HttpStatusFor("KMSInvalidStateException") == 400);
  CHECK(HttpStatusFor("KMSInternalException") == 500);
  CHECK(HttpStatusFor("DependencyTimeoutException") == 503);
  CHECK(HttpStatusFor("NotFoundException", true) == 404);
  CHECK(HttpStatusFor("AlreadyExistsException", true) == 409);
  CHECK(HttpStatusFor("DisabledException", true) == 409);
  CHECK(HttpStatusFor("DryRunOperationException", true) == 412);
  CHECK(HttpStatusFor("ValidationException", true) == 400);
}

TEST_CASE("error bodies are AWS JSON") {
  CHECK(ErrorBody("NotFoundException", "Invalid keyId 'x\"'") ==
        R"({"__type":"NotFoundException","message":"Invalid keyId 'x\"'"})");
}

}  // namespace
}  // namespace kmslab::http
