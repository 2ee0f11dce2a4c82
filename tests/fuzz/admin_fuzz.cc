// kmslab's admin paths through the router (http/admin.cc, the trail query
// hook, reset). Input: "METHOD /path?query\nbody", e.g.
// "POST /_kmslab/clock\n{\"advanceSeconds\": 60}". Query pairs are split at
// '&' and '=' without decoding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/strings.h"
#include "fuzz_input.h"
#include "fuzz_stack.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  kmslab::fuzz::FuzzStack& stack = kmslab::fuzz::FuzzStack::Get();
  stack.StartInput();
  kmslab::fuzz::FuzzInput input(data, size);
  std::string_view line = input.Line();
  const size_t space = line.find(' ');
  const std::string_view method = line.substr(0, space);
  std::string_view target = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
  const size_t question = target.find('?');
  kmslab::http::QueryParams query;
  if (question != std::string_view::npos) {
    for (const std::string& pair : kmslab::core::Split(std::string(target.substr(question + 1)), '&')) {
      const size_t eq = pair.find('=');
      query.emplace_back(pair.substr(0, eq), eq == std::string::npos ? "" : pair.substr(eq + 1));
    }
    target = target.substr(0, question);
  }
  stack.Admin(method, target, query, input.Rest());
  return 0;
}
