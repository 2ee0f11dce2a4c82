#include "ddb/stream_wire.h"

#include <cstdio>
#include <vector>

#include "core/base64.h"
#include "core/strings.h"
#include "crypto/hmac.h"

namespace kmslab::ddb {

namespace {
constexpr std::string_view kIteratorVersion = "|1|";

std::optional<int64_t> ParseCount(std::string_view text, size_t max_digits) {
  if (text.empty() || text.size() > max_digits) return std::nullopt;
  int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::string Mac(std::string_view key, std::string_view payload) {
  return core::HexEncode(crypto::View(crypto::HmacSha256(key, payload))).substr(0, 32);
}
}  // namespace

std::string StreamLabel(int64_t ms) {
  // FormatIso8601 writes "YYYY-MM-DDThh:mm:ssZ".
  const std::string seconds = core::FormatIso8601(ms).substr(0, 19);
  char millis[8];
  std::snprintf(millis, sizeof(millis), ".%03d", static_cast<int>(((ms % 1000) + 1000) % 1000));
  return seconds + millis;
}

std::string FormatSequenceNumber(int64_t seq) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "1%020lld", static_cast<long long>(seq));
  return buffer;
}

std::optional<int64_t> ParseSequenceNumber(std::string_view text) {
  // The counter stays below 10^18, so its first two of 20 digits are zeros.
  if (text.size() != 21 || text.substr(0, 3) != "100") return std::nullopt;
  return ParseCount(text.substr(3), 18);
}

std::string EncodeShardIterator(const ShardPosition& p, std::string_view mac_key) {
  const std::string body = p.shard_id + "|" + std::to_string(p.after_seq) + "|" + std::to_string(p.issued_ms);
  return p.stream_arn + std::string(kIteratorVersion) +
         core::Base64Encode(body + "|" + Mac(mac_key, p.stream_arn + "|" + body));
}

std::optional<ShardPosition> DecodeShardIterator(std::string_view text, std::string_view mac_key) {
  if (text.empty() || text.size() > kMaxShardIteratorChars) return std::nullopt;
  const size_t at = text.rfind(kIteratorVersion);
  if (at == std::string_view::npos || at == 0) return std::nullopt;
  std::string payload;
  if (!core::Base64Decode(text.substr(at + kIteratorVersion.size()), &payload)) return std::nullopt;
  std::vector<std::string_view> parts;
  std::string_view rest = payload;
  for (size_t bar; parts.size() < 4 && (bar = rest.find('|')) != std::string_view::npos; rest.remove_prefix(bar + 1)) {
    parts.push_back(rest.substr(0, bar));
  }
  parts.push_back(rest);
  if (parts.size() != 4) return std::nullopt;
  ShardPosition p;
  p.stream_arn = std::string(text.substr(0, at));
  const std::string body = std::string(parts[0]) + "|" + std::string(parts[1]) + "|" + std::string(parts[2]);
  if (parts[3] != Mac(mac_key, p.stream_arn + "|" + body)) return std::nullopt;
  auto after = ParseCount(parts[1], 18);
  auto issued = ParseCount(parts[2], 18);
  if (!after || !issued) return std::nullopt;
  p.shard_id = std::string(parts[0]);
  p.after_seq = *after;
  p.issued_ms = *issued;
  return p;
}

}  // namespace kmslab::ddb
