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
