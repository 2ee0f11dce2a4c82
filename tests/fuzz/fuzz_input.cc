#include "fuzz_input.h"

namespace kmslab::fuzz {

std::string_view FuzzInput::Line() {
  const size_t end = rest_.find('\n');
  std::string_view line = rest_.substr(0, end);
  rest_.remove_prefix(end == std::string_view::npos ? rest_.size() : end + 1);
  return line;
}

std::string_view FuzzInput::Rest() {
  std::string_view rest = rest_;
  rest_ = {};
  return rest;
}

std::vector<std::string_view> FuzzInput::Records(size_t max) {
  std::vector<std::string_view> records;
  while (!rest_.empty() && records.size() + 1 < max) {
    const size_t end = rest_.find(kRecordSeparator);
    if (end == std::string_view::npos) break;
    records.push_back(rest_.substr(0, end));
    rest_.remove_prefix(end + kRecordSeparator.size());
  }
  if (!rest_.empty() || records.empty()) records.push_back(Rest());
  return records;
}

bool NestingAtMost(std::string_view text, int max_depth) {
  int depth = 0;
  for (char c : text) {
    if (c == '[' || c == '{') {
      if (++depth > max_depth) return false;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return true;
}

}  // namespace kmslab::fuzz
