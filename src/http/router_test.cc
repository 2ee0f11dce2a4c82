#include "http/router.h"

#include "http/admin.h"

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
  // A status's detail members follow the message; a detail that is not a JSON object is left out.
  const core::Status failed =
      core::Status(core::Code::kFailedPrecondition, "The conditional request failed", "ConditionalCheckFailedException")
          .WithDetail(R"({"Item":{"pk":{"S":"a"}}})");
  CHECK(ErrorBody(failed.aws_type(), failed.message(), failed.detail_json()) ==
        R"({"__type":"ConditionalCheckFailedException","message":"The conditional request failed",)"
        R"("Item":{"pk":{"S":"a"}}})");
  CHECK(ErrorBody("E", "m", "[1]") == R"({"__type":"E","message":"m"})");
}

TEST_CASE("the admin clock moves forward, never past year 9999") {
  core::ServerClock clock;
  AdminEndpoint admin(&clock, "");
  auto advance = [&](std::string_view body) {
    QueryParams query;
    HeaderViews headers;
    return admin.Handle(HttpRequest{"POST", "/_kmslab/clock", query, headers, body, "127.0.0.1"}).status;
  };
  CHECK(advance(R"({"advanceSeconds": 3600})") == 200);
  CHECK(clock.OffsetMillis() == 3600 * 1000);
  CHECK(advance(R"({"advanceSeconds": -1})") == 400);
  const int64_t century = 100LL * 365 * 24 * 3600;
  int accepted = 0;
  while (advance("{\"advanceSeconds\": " + std::to_string(century) + "}") == 200) ++accepted;
  CHECK(accepted > 70);
  CHECK(accepted < 81);
  CHECK(clock.NowMillis() <= core::ServerClock::kLatestMillis);
}

}  // namespace
}  // namespace kmslab::http
