#include "core/json_text.h"

#include <cstdint>
#include <cstdio>
#include <string>

namespace kmslab::core {

namespace {

bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The code unit of a "\uXXXX" escape starting at text[i] (the backslash), or
// -1 when there is no complete escape there (the parser reports that).
int32_t EscapedUnit(std::string_view text, size_t i) {
  if (i + 6 > text.size() || text[i] != '\\' || text[i + 1] != 'u') return -1;
  int32_t unit = 0;
  for (size_t k = i + 2; k < i + 6; ++k) {
    const int digit = HexValue(text[k]);
    if (digit < 0) return -1;
    unit = unit * 16 + digit;
  }
  return unit;
}

Status Problem(const std::string& what, size_t offset) {
  return InvalidArgument(what + " (at byte " + std::to_string(offset) + ")");
}

std::string Hex(unsigned char c) {
  char out[8];
  std::snprintf(out, sizeof(out), "0x%02x", c);
  return out;
}

}  // namespace

size_t Utf8SequenceLength(std::string_view text, size_t i) {
  const auto at = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = at(i);
  if (c < 0x80) return 1;
  size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // the range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    length = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    length = 3;
    if (c == 0xE0) low = 0xA0;   // no overlong forms
    if (c == 0xED) high = 0x9F;  // no UTF-16 surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    length = 4;
    if (c == 0xF0) low = 0x90;
    if (c == 0xF4) high = 0x8F;  // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  if (at(i + 1) < low || at(i + 1) > high) return 0;
  for (size_t k = i + 2; k < i + length; ++k)
    if (!IsContinuation(at(k))) return 0;
  return length;
}

bool IsValidUtf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const size_t length = Utf8SequenceLength(text, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

std::string ScrubUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const size_t length = Utf8SequenceLength(text, i);
    if (length == 0) {
      out.append("\xef\xbf\xbd");
      ++i;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  return out;
}

Status CheckJsonText(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const size_t length = Utf8SequenceLength(text, i);
      if (length == 0) return Problem("Invalid UTF-8 byte " + Hex(c), i);
      i += length;
      continue;
    }
    if (in_string) {
      if (c == '"') {
        in_string = false;
      } else if (c == '\\') {
        const int32_t unit = EscapedUnit(text, i);
        if (unit >= 0xDC00 && unit <= 0xDFFF) return Problem("Unpaired low surrogate in a \\u escape", i);
        if (unit >= 0xD800 && unit <= 0xDBFF) {
          const int32_t next = EscapedUnit(text, i + 6);
          if (next < 0xDC00 || next > 0xDFFF) return Problem("Unpaired high surrogate in a \\u escape", i);
          i += 12;
          continue;
        }
        if (unit >= 0) {
          i += 6;
          continue;
        }
        i += 2;  // a one-character escape; the parser judges it
        continue;
      }
      ++i;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) {
        return Problem("JSON nests arrays and objects deeper than " + std::to_string(max_depth) + " levels", i);
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
    ++i;
  }
  return Status();
}

}  // namespace kmslab::core
