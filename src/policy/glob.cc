#include "policy/glob.h"

#include <array>

namespace kmslab::policy {
namespace {

char Fold(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Splits at the first five colons. False when there are fewer.
bool SplitArn(std::string_view text, std::array<std::string_view, 6>* parts) {
  size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    size_t colon = text.find(':', start);
    if (colon == std::string_view::npos) return false;
    (*parts)[i] = text.substr(start, colon - start);
    start = colon + 1;
  }
  (*parts)[5] = text.substr(start);
  return true;
}

}  // namespace

std::string GlobFromPolicyText(std::string_view text) {
  if (text.find('\\') == std::string_view::npos) return std::string(text);
  std::string out;
  out.reserve(text.size() + 4);
  for (char c : text) {
    if (c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::string GlobEscape(std::string_view literal) {
  std::string out;
  out.reserve(literal.size());
  for (char c : literal) {
    if (c == '*' || c == '?' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

bool GlobHasWildcard(std::string_view pattern) {
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      ++i;
    } else if (pattern[i] == '*' || pattern[i] == '?') {
      return true;
    }
  }
  return false;
}

bool GlobMatch(std::string_view pattern, std::string_view text, bool ignore_case) {
  constexpr size_t kNone = std::string_view::npos;
  size_t p = 0, t = 0, star_p = kNone, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size()) {
      char c = pattern[p];
      if (c == '*') {
        star_p = ++p;
        star_t = t;
        continue;
      }
      if (c == '?') {
        ++p;
        ++t;
        continue;
      }
      size_t width = 1;
      if (c == '\\' && p + 1 < pattern.size()) {
        c = pattern[p + 1];
        width = 2;
      }
      if (c == text[t] || (ignore_case && Fold(c) == Fold(text[t]))) {
        p += width;
        ++t;
        continue;
      }
    }
    if (star_p == kNone) return false;
    p = star_p;
    t = ++star_t;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool ArnGlobMatch(std::string_view pattern, std::string_view arn) {
  std::array<std::string_view, 6> want, have;
  if (!SplitArn(pattern, &want) || !SplitArn(arn, &have)) return GlobMatch(pattern, arn, false);
  for (size_t i = 0; i < want.size(); ++i)
    if (!GlobMatch(want[i], have[i], false)) return false;
  return true;
}

}  // namespace kmslab::policy
