#include "ddb/transaction_tokens.h"

#include <doctest/doctest.h>

namespace kmslab::ddb {
namespace {

using Claim = TransactionTokens::Claim;

TEST_CASE("a ClientRequestToken replays its success for 10 minutes and refuses other parameters") {
  TransactionTokens tokens;
  std::string response;
  CHECK(tokens.Begin("t", "request-a", 1000, &response) == Claim::kRun);
  CHECK(tokens.Begin("t", "request-a", 1001, &response) == Claim::kInProgress);
  CHECK(tokens.Begin("t", "request-b", 1001, &response) == Claim::kMismatch);
  tokens.Finish("t", std::string("{\"a\":1}"), 2000);
  CHECK(tokens.Begin("t", "request-a", 2000 + TransactionTokens::kWindowMs - 1, &response) == Claim::kReplay);
  CHECK(response == "{\"a\":1}");
  CHECK(tokens.Begin("t", "request-b", 2000 + TransactionTokens::kWindowMs - 1, &response) == Claim::kMismatch);
  CHECK(tokens.Begin("other", "request-b", 3000, &response) == Claim::kRun);
  // The window runs from the success: then the token is new again.
  CHECK(tokens.Begin("t", "request-b", 2000 + TransactionTokens::kWindowMs, &response) == Claim::kRun);
}

TEST_CASE("a failed request leaves its token free for a retry with any parameters") {
  TransactionTokens tokens;
  std::string response;
  CHECK(tokens.Begin("t", "request-a", 1000, &response) == Claim::kRun);
  tokens.Finish("t", std::nullopt, 1500);
  CHECK(tokens.Begin("t", "request-b", 1600, &response) == Claim::kRun);
  tokens.Finish("t", std::string("{}"), 1700);
  CHECK(tokens.Begin("t", "request-b", 1800, &response) == Claim::kReplay);
}

TEST_CASE("Clear forgets every token (a reset server replays nothing)") {
  TransactionTokens tokens;
  std::string response;
  REQUIRE(tokens.Begin("t", "request-a", 1000, &response) == Claim::kRun);
  tokens.Finish("t", std::string("{}"), 1000);
  tokens.Clear();
  CHECK(tokens.Begin("t", "request-b", 1001, &response) == Claim::kRun);
}

}  // namespace
}  // namespace kmslab::ddb
