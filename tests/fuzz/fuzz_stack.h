// FuzzStack: the one in-process kmslab of a fuzzing process (cli::Stack over a
// temporary data directory, open authentication: requests act as the root of
// account 111122223333), reached through the Router as HTTP requests would.
// Made on first use and kept for the process; at exit it is shut down (the
// trail's writer thread joined) and its data directory removed.
//
// Every input finds the same named state, made at start and after each
// reset: a symmetric key behind alias/fuzz-key (and alias/fuzz-disabled for a
// disabled one), a grant on alias/fuzz-key whose token is FuzzStack::grant_token(),
// and DynamoDB tables "fuzz" (pk S, sk N) under alias/fuzz-key and "fuzz-owned"
// (pk S) under the AWS owned key, each holding a few items. State the inputs
// add is dropped every kResetEvery inputs, so the data directory stays small;
// a finding that needs earlier inputs' state may therefore not reproduce
// from its file alone. RSA keys are made once per size and reused
// (crypto::ReuseRsaKeysForFuzzing): the prime search is not what is fuzzed.
// Not thread-safe (libFuzzer runs one input at a time).
#ifndef KMSLAB_TESTS_FUZZ_FUZZ_STACK_H_
#define KMSLAB_TESTS_FUZZ_FUZZ_STACK_H_

#include <memory>
#include <string>
#include <string_view>

#include "cli/stack.h"
#include "http/router.h"

namespace kmslab::fuzz {

class FuzzStack {
 public:
  static constexpr int kResetEvery = 2000;

  // The process's stack; aborts when it cannot be built (a broken harness
  // must not pass for a clean run).
  static FuzzStack& Get();

  // Counts one input; every kResetEvery inputs, empties the state and makes
  // the named state again.
  void StartInput();

  // POST / with X-Amz-Target `target` (e.g. "TrentService.Encrypt") and `body`.
  http::HttpResponse Call(std::string_view target, std::string_view body);
  // An admin request from loopback, e.g. ("POST", "/_kmslab/clock", query, body).
  http::HttpResponse Admin(std::string_view method, std::string_view path, const http::QueryParams& query,
                           std::string_view body);

  // Runs one fuzz input of wire requests: StartInput, then up to 8 records
  // separated by "@@" lines, each an operation name on its first line (a
  // whole X-Amz-Target when it holds a '.', else `prefix` + the name) and the
  // JSON body after it, "${grantToken}" standing for grant_token().
  void CallAll(const uint8_t* data, size_t size, std::string_view prefix);

  const std::string& grant_token() const { return grant_token_; }

 private:
  FuzzStack() = default;
  void MakeNamedState();
  static void ShutDown();  // the exit handler

  std::string data_dir_;
  std::unique_ptr<cli::Stack> stack_;
  std::string grant_token_;
  int inputs_ = 0;
};

}  // namespace kmslab::fuzz

#endif  // KMSLAB_TESTS_FUZZ_FUZZ_STACK_H_
