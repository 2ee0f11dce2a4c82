#include "core/arn.h"

#include "core/strings.h"

namespace kmslab::core {

std::string Arn::ToString() const {
  return "arn:" + partition + ":" + service + ":" + region + ":" + account + ":" + resource;
}

std::optional<Arn> ParseArn(std::string_view text) {
  if (text.substr(0, 4) != "arn:") return std::nullopt;
  Arn arn;
  std::string* parts[] = {&arn.partition, &arn.service, &arn.region, &arn.account};
  size_t pos = 4;
  for (std::string* part : parts) {
    size_t colon = text.find(':', pos);
    if (colon == std::string_view::npos) return std::nullopt;
    *part = std::string(text.substr(pos, colon - pos));
    pos = colon + 1;
  }
  arn.resource = std::string(text.substr(pos));
  if (arn.partition.empty() || arn.service.empty() || arn.resource.empty()) return std::nullopt;
  return arn;
}

bool IsKeyId(std::string_view text) {
  if (text.substr(0, 4) == "mrk-") {
    if (text.size() != 36) return false;
    for (char c : text.substr(4))
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
  }
  return IsLowerUuid(text);
}

bool IsRegionName(std::string_view text) {
  if (text.size() < 6 || text.size() > 32) return false;
  // Hyphen-separated parts: [a-z]{2}, then [a-z]+ one or more times, then [0-9]+.
  size_t parts = 0, start = 0;
  while (start <= text.size()) {
    size_t end = text.find('-', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view part = text.substr(start, end - start);
    if (part.empty()) return false;
    const bool last = end == text.size();
    for (char c : part) {
      const bool ok = last ? (c >= '0' && c <= '9') : (c >= 'a' && c <= 'z');
      if (!ok) return false;
    }
    if (parts == 0 && part.size() != 2) return false;
    ++parts;
    start = end + 1;
  }
  return parts >= 3;
}

bool IsAccountId(std::string_view text) {
  if (text.size() != 12) return false;
  for (char c : text)
    if (c < '0' || c > '9') return false;
  return true;
}

std::string KeyArn(std::string_view region, std::string_view account, std::string_view key_id) {
  return "arn:aws:kms:" + std::string(region) + ":" + std::string(account) + ":key/" + std::string(key_id);
}

std::string AliasArn(std::string_view region, std::string_view account, std::string_view alias_name) {
  return "arn:aws:kms:" + std::string(region) + ":" + std::string(account) + ":" + std::string(alias_name);
}

std::string AccountRootArn(std::string_view account) {
  return "arn:aws:iam::" + std::string(account) + ":root";
}

}  // namespace kmslab::core
