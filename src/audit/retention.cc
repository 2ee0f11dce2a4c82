#include "audit/retention.h"

#include <cctype>

namespace kmslab::audit {

namespace {

// "<digits><unit>" -> the number and the unit, or false.
bool SplitNumber(const std::string& part, int64_t* number, std::string* unit) {
  size_t i = 0;
  int64_t n = 0;
  while (i < part.size() && std::isdigit(static_cast<unsigned char>(part[i]))) {
    if (n > (INT64_MAX - 9) / 10) return false;
    n = n * 10 + (part[i++] - '0');
  }
  if (i == 0) return false;
  *number = n;
  *unit = part.substr(i);
  for (char& c : *unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return true;
}

// Multiplies without overflow; false when the product does not fit.
bool Scale(int64_t n, int64_t factor, int64_t* out) {
  if (n > INT64_MAX / factor) return false;
  *out = n * factor;
  return true;
}

}  // namespace

core::StatusOr<Retention> ParseRetention(const std::string& text) {
  Retention r;
  if (text == "none") return r;
  const std::string usage = "--trail-retention takes an age (7d, 12h, 30m, 90s), a size (512MB, 64KB, 1GB), both "
                            "(7d,512MB) or none; got '" + text + "'";
  if (text.empty()) return core::InvalidArgument(usage);
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t comma = text.find(',', begin);
    const std::string part = text.substr(begin, comma == std::string::npos ? std::string::npos : comma - begin);
    int64_t n = 0;
    std::string unit;
    if (!SplitNumber(part, &n, &unit) || n == 0) return core::InvalidArgument(usage);
    static const struct {
      const char* unit;
      bool age;
      int64_t factor;
    } kUnits[] = {{"S", true, 1000},         {"M", true, 60'000},         {"H", true, 3'600'000},
                  {"D", true, 86'400'000},   {"B", false, 1},             {"KB", false, 1024},
                  {"MB", false, 1024 * 1024}, {"GB", false, 1024 * 1024 * 1024}};
    bool known = false;
    for (const auto& u : kUnits) {
      if (unit != u.unit) continue;
      int64_t& slot = u.age ? r.max_age_ms : r.max_bytes;
      if (slot != 0 || !Scale(n, u.factor, &slot)) return core::InvalidArgument(usage);
      known = true;
    }
    if (!known) return core::InvalidArgument(usage);
    if (comma == std::string::npos) break;
    begin = comma + 1;
  }
  // The JSONL copy rotates among kRotatedFiles + 1 files; each must hold a batch's worth.
  if (r.max_bytes != 0 && r.max_bytes < 16 * 1024) {
    return core::InvalidArgument("--trail-retention: a size below 16KB leaves no room for a batch of events");
  }
  return r;
}

}  // namespace kmslab::audit
