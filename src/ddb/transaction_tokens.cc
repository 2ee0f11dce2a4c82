#include "ddb/transaction_tokens.h"

namespace kmslab::ddb {

void TransactionTokens::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.clear();
  done_order_.clear();
}

void TransactionTokens::Prune(int64_t now_ms) {
  while (!done_order_.empty() && done_order_.front().first + kWindowMs <= now_ms) {
    auto it = entries_.find(done_order_.front().second);
    // A token forgotten and claimed again since has a newer entry: keep it.
    if (it != entries_.end() && it->second.done_ms == done_order_.front().first) entries_.erase(it);
    done_order_.pop_front();
  }
}

TransactionTokens::Claim TransactionTokens::Begin(const std::string& token, const std::string& fingerprint,
                                                  int64_t now_ms, std::string* response) {
  std::lock_guard<std::mutex> lock(mu_);
  Prune(now_ms);
  auto [it, added] = entries_.try_emplace(token, Entry{fingerprint, "", -1});
  if (added) return Claim::kRun;
  if (it->second.fingerprint != fingerprint) return Claim::kMismatch;
  if (it->second.done_ms < 0) return Claim::kInProgress;
  *response = it->second.response;
  return Claim::kReplay;
}

void TransactionTokens::Finish(const std::string& token, std::optional<std::string> response, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(token);
  if (it == entries_.end() || it->second.done_ms >= 0) return;
  if (!response) {
    entries_.erase(it);
    return;
  }
  it->second.response = std::move(*response);
  it->second.done_ms = now_ms;
  done_order_.emplace_back(now_ms, token);
}

}  // namespace kmslab::ddb
