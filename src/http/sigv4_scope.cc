#include "http/sigv4_scope.h"

#include "core/strings.h"

namespace kmslab::http {

std::optional<CredentialScope> ParseCredentialScope(std::string_view authorization) {
  constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256 ";
  if (!authorization.starts_with(kAlgorithm)) return std::nullopt;
  size_t start = authorization.find("Credential=");
  if (start == std::string_view::npos) return std::nullopt;
  start += 11;
  size_t end = authorization.find_first_of(", ", start);
  std::vector<std::string> parts =
      core::Split(authorization.substr(start, end == std::string_view::npos ? end : end - start), '/');
  if (parts.size() != 5 || parts[4] != "aws4_request" || parts[0].empty() || parts[2].empty()) return std::nullopt;
  return CredentialScope{parts[0], parts[1], parts[2], parts[3]};
}

}  // namespace kmslab::http
