#include "kms/grant_token.h"

#include "core/arn.h"
#include "core/base64.h"
#include "core/random.h"
#include "core/strings.h"

namespace kmslab::kms {

namespace {
constexpr std::string_view kPrefix = "kmslab-grant-token-v1";
}  // namespace

std::string MakeGrantToken(const std::string& grant_id, const std::string& key_id) {
  return core::Base64UrlEncode(std::string(kPrefix) + ":" + grant_id + ":" + key_id + ":" +
                               core::HexEncode(core::RandomBytes(16)));
}

std::optional<GrantTokenRef> ParseGrantToken(std::string_view token) {
  std::string text;
  if (!core::Base64UrlDecode(token, &text)) return std::nullopt;
  std::vector<std::string> parts = core::Split(text, ':');
  std::string ignored;
  if (parts.size() != 4 || parts[0] != kPrefix || parts[1].size() != 64 || !core::HexDecode(parts[1], &ignored) ||
      !core::IsKeyId(parts[2])) {
    return std::nullopt;
  }
  return GrantTokenRef{parts[1], parts[2]};
}

}  // namespace kmslab::kms
