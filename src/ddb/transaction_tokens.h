// TransactionTokens: the ClientRequestTokens of TransactWriteItems
// (docs/spec/dynamodb.md section 3.3). A token names one request: repeating
// it within 10 minutes of its success on the server clock changes nothing
// and succeeds again; the same token on other parameters is refused; a
// token whose request is still running is busy. A failed request leaves no
// token behind, so it can be retried.
//
// Thread-safe.
#ifndef KMSLAB_DDB_TRANSACTION_TOKENS_H_
#define KMSLAB_DDB_TRANSACTION_TOKENS_H_

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

namespace kmslab::ddb {

class TransactionTokens {
 public:
  static constexpr int64_t kWindowMs = 10 * 60 * 1000;

  enum class Claim {
    kRun,         // new (or expired): run the request, then Finish
    kReplay,      // the same request succeeded within the window: answer success, write nothing
    kMismatch,    // the token went with other parameters: IdempotentParameterMismatchException
    kInProgress,  // the token's request is still running: TransactionInProgressException
  };

  // `token` is scoped by the caller (account, Region and the token itself);
  // `fingerprint` stands for the request's parameters. On kReplay,
  // `response` gets the success's response body.
  Claim Begin(const std::string& token, const std::string& fingerprint, int64_t now_ms, std::string* response);
  // Ends the run that kRun allowed: a success (its response body) is
  // remembered for kWindowMs from `now_ms`; a failure (nullopt) forgets the token.
  void Finish(const std::string& token, std::optional<std::string> response, int64_t now_ms);
  // Forgets every token (the server's state was reset).
  void Clear();

 private:
  struct Entry {
    std::string fingerprint;
    std::string response;
    int64_t done_ms = -1;  // -1 while running
  };
  void Prune(int64_t now_ms);

  std::mutex mu_;
  std::map<std::string, Entry> entries_;
  std::deque<std::pair<int64_t, std::string>> done_order_;  // (done_ms, token), oldest first
};

}  // namespace kmslab::ddb

#endif  // KMSLAB_DDB_TRANSACTION_TOKENS_H_
