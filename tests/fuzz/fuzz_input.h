// FuzzInput: reads a fuzzer's bytes as the fields a target needs, so that a
// seed stays a readable text file: lines first, then the rest, or records
// separated by lines holding only "@@". Never fails: missing fields read as
// empty. Views point into the fuzzer's buffer. Not thread-safe.
#ifndef KMSLAB_TESTS_FUZZ_FUZZ_INPUT_H_
#define KMSLAB_TESTS_FUZZ_FUZZ_INPUT_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace kmslab::fuzz {

class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size) : rest_(reinterpret_cast<const char*>(data), size) {}

  // The text up to the next '\n' (consumed, not returned), or all the rest.
  std::string_view Line();
  // Everything not yet read (consumed).
  std::string_view Rest();
  // The rest split at lines "@@" into at most `max` records (the last keeps
  // any further separators).
  std::vector<std::string_view> Records(size_t max);
  bool empty() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

// False when `text` opens more than `max_depth` brackets ('[' or '{', in
// strings too) without closing them. JSON targets skip deeper inputs: bounding
// nesting depth is the parsers' job and tracked on its own, and a stack
// overflow there would stop every run before it explores anything else.
bool NestingAtMost(std::string_view text, int max_depth);

// The separator line between records.
inline constexpr std::string_view kRecordSeparator = "\n@@\n";

}  // namespace kmslab::fuzz

#endif  // KMSLAB_TESTS_FUZZ_FUZZ_INPUT_H_
