#include "policy/values.h"

#include <charconv>
#include <string>
#include <vector>

#include "core/strings.h"

namespace kmslab::policy {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly `n` digits at `*pos`.
bool Digits(std::string_view s, size_t* pos, size_t n, int* out) {
  if (*pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[*pos + i];
    if (!IsDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  *out = v;
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

std::optional<int64_t> ParseIso8601(std::string_view s) {
  size_t pos = 0;
  int year, month, day;
  if (!Digits(s, &pos, 4, &year) || pos >= s.size() || s[pos++] != '-' || !Digits(s, &pos, 2, &month) ||
      pos >= s.size() || s[pos++] != '-' || !Digits(s, &pos, 2, &day))
    return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month)) return std::nullopt;
  int64_t millis = DaysFromCivil(year, month, day) * 86400000;
  if (pos == s.size()) return millis;
  if (s[pos] != 'T' && s[pos] != 't') return std::nullopt;
  ++pos;
  int hour, minute, second = 0, fraction_ms = 0;
  if (!Digits(s, &pos, 2, &hour) || pos >= s.size() || s[pos++] != ':' || !Digits(s, &pos, 2, &minute))
    return std::nullopt;
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    if (!Digits(s, &pos, 2, &second)) return std::nullopt;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      size_t start = pos;
      int scale = 100;
      while (pos < s.size() && IsDigit(s[pos])) {
        fraction_ms += (s[pos] - '0') * scale;
        scale /= 10;
        ++pos;
      }
      if (pos == start) return std::nullopt;
    }
  }
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
  millis += ((hour * 60 + minute) * 60 + second) * 1000LL + fraction_ms;
  if (pos == s.size()) return millis;
  if (s[pos] == 'Z' || s[pos] == 'z') return pos + 1 == s.size() ? std::optional<int64_t>(millis) : std::nullopt;
  if (s[pos] != '+' && s[pos] != '-') return std::nullopt;
  int sign = s[pos++] == '+' ? 1 : -1, off_h, off_m = 0;
  if (!Digits(s, &pos, 2, &off_h)) return std::nullopt;
  if (pos < s.size() && s[pos] == ':') ++pos;
  if (pos < s.size() && !Digits(s, &pos, 2, &off_m)) return std::nullopt;
  if (pos != s.size() || off_h > 23 || off_m > 59) return std::nullopt;
  return millis - sign * (off_h * 60 + off_m) * 60000LL;
}

bool ParseIpv4(std::string_view s, uint8_t* out) {
  std::vector<std::string> parts = core::Split(s, '.');
  if (parts.size() != 4) return false;
  for (size_t i = 0; i < 4; ++i) {
    const std::string& p = parts[i];
    if (p.empty() || p.size() > 3 || (p.size() > 1 && p[0] == '0')) return false;
    int v = 0;
    for (char c : p) {
      if (!IsDigit(c)) return false;
      v = v * 10 + (c - '0');
    }
    if (v > 255) return false;
    out[i] = static_cast<uint8_t>(v);
  }
  return true;
}

int HexDigit(char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Parses groups of 16-bit hex words; the last group may be a dotted IPv4 address.
bool ParseGroups(std::string_view s, std::vector<uint16_t>* words, bool allow_v4_tail) {
  if (s.empty()) return true;
  std::vector<std::string> groups = core::Split(s, ':');
  for (size_t i = 0; i < groups.size(); ++i) {
    const std::string& g = groups[i];
    if (allow_v4_tail && i + 1 == groups.size() && g.find('.') != std::string::npos) {
      uint8_t v4[4];
      if (!ParseIpv4(g, v4)) return false;
      words->push_back(static_cast<uint16_t>(v4[0] << 8 | v4[1]));
      words->push_back(static_cast<uint16_t>(v4[2] << 8 | v4[3]));
      continue;
    }
    if (g.empty() || g.size() > 4) return false;
    unsigned v = 0;
    for (char c : g) {
      int h = HexDigit(c);
      if (h < 0) return false;
      v = v << 4 | static_cast<unsigned>(h);
    }
    words->push_back(static_cast<uint16_t>(v));
  }
  return true;
}

bool ParseIpv6(std::string_view s, uint8_t* out) {
  std::vector<uint16_t> head, tail;
  size_t gap = s.find("::");
  if (gap == std::string_view::npos) {
    if (!ParseGroups(s, &head, true) || head.size() != 8) return false;
  } else {
    if (s.find("::", gap + 1) != std::string_view::npos) return false;
    if (!ParseGroups(s.substr(0, gap), &head, false) || !ParseGroups(s.substr(gap + 2), &tail, true)) return false;
    if (head.size() + tail.size() > 7) return false;
    head.resize(8 - tail.size(), 0);
    head.insert(head.end(), tail.begin(), tail.end());
  }
  for (size_t i = 0; i < 8; ++i) {
    out[2 * i] = static_cast<uint8_t>(head[i] >> 8);
    out[2 * i + 1] = static_cast<uint8_t>(head[i] & 0xff);
  }
  return true;
}

}  // namespace

std::optional<double> ParseNumber(std::string_view text) {
  size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
  size_t digits = 0;
  while (i < text.size() && IsDigit(text[i])) ++i, ++digits;
  if (i < text.size() && text[i] == '.') {
    ++i;
    size_t fraction = 0;
    while (i < text.size() && IsDigit(text[i])) ++i, ++fraction;
    if (fraction == 0) return std::nullopt;
    digits += fraction;
  }
  if (digits == 0 || i != text.size()) return std::nullopt;
  if (text[0] == '+') text.remove_prefix(1);
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<int64_t> ParseDate(std::string_view text) {
  if (text.empty()) return std::nullopt;
  bool epoch = true;
  for (char c : text)
    if (!IsDigit(c) && c != '.' && c != '-') epoch = false;
  if (epoch && text.find('-', 1) == std::string_view::npos) {
    std::optional<double> seconds = ParseNumber(text);
    // Beyond about 292 million years either way milliseconds leave int64_t:
    // not a date (and the conversion would be undefined).
    constexpr double kLimitSeconds = 9.2e15;
    if (!seconds.has_value() || !(*seconds > -kLimitSeconds && *seconds < kLimitSeconds)) return std::nullopt;
    return static_cast<int64_t>(*seconds * 1000.0);
  }
  return ParseIso8601(text);
}

std::optional<IpNet> ParseIpNet(std::string_view text) {
  IpNet net;
  std::string_view address = text;
  int prefix = -1;
  if (size_t slash = text.find('/'); slash != std::string_view::npos) {
    address = text.substr(0, slash);
    std::string_view bits = text.substr(slash + 1);
    if (bits.empty() || bits.size() > 3) return std::nullopt;
    prefix = 0;
    for (char c : bits) {
      if (!IsDigit(c)) return std::nullopt;
      prefix = prefix * 10 + (c - '0');
    }
  }
  if (address.find(':') != std::string_view::npos) {
    net.v6 = true;
    if (!ParseIpv6(address, net.bytes.data())) return std::nullopt;
  } else if (!ParseIpv4(address, net.bytes.data())) {
    return std::nullopt;
  }
  const int width = net.v6 ? 128 : 32;
  if (prefix > width) return std::nullopt;
  net.prefix = prefix < 0 ? width : prefix;
  return net;
}

bool IpInNet(const IpNet& address, const IpNet& net) {
  if (address.v6 != net.v6) return false;
  int bits = net.prefix;
  for (size_t i = 0; bits > 0; ++i, bits -= 8) {
    uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if ((address.bytes[i] & mask) != (net.bytes[i] & mask)) return false;
  }
  return true;
}

std::optional<bool> ParseBool(std::string_view text) {
  if (core::EqualsIgnoreCase(text, "true")) return true;
  if (core::EqualsIgnoreCase(text, "false")) return false;
  return std::nullopt;
}

}  // namespace kmslab::policy
