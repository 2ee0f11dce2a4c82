#include "http/sigv4.h"

#include <algorithm>
#include <mutex>

#include "core/strings.h"
#include "crypto/hmac.h"

namespace kmslab::http {

std::string UriEncode(std::string_view s, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}


namespace {
// Trims and collapses runs of spaces, as canonical header values require.
std::string CanonicalValue(std::string_view v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

std::string Field(std::string_view header, std::string_view name) {
  size_t pos = header.find(name);
  if (pos == std::string_view::npos) return "";
  pos += name.size();
  size_t end = header.find(',', pos);
  std::string value(header.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos));
  while (!value.empty() && value.back() == ' ') value.pop_back();
  return value;
}
}  // namespace

std::optional<SigV4Authorization> ParseAuthorization(std::string_view header) {
  constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256 ";
  if (!header.starts_with(kAlgorithm)) return std::nullopt;
  std::vector<std::string> scope = core::Split(Field(header, "Credential="), '/');
  std::string signed_headers = Field(header, "SignedHeaders=");
  std::string signature = Field(header, "Signature=");
  if (scope.size() != 5 || scope[4] != "aws4_request" || scope[0].empty() || scope[1].size() != 8 ||
      scope[2].empty() || signed_headers.empty() || signature.size() != 64) {
    return std::nullopt;
  }
  return SigV4Authorization{scope[0], scope[1], scope[2], scope[3], core::Split(signed_headers, ';'),
                            core::ToLower(signature)};
}

std::string CanonicalRequest(const SignableRequest& request, const std::vector<std::string>& signed_headers) {
  std::string out;
  out.reserve(512 + request.body.size() / 8);
  out.append(request.method).push_back('\n');
  out.append(UriEncode(request.path.empty() ? "/" : request.path, true)).push_back('\n');
  if (!request.query.empty()) {
    std::vector<std::pair<std::string, std::string>> query;
    for (const auto& [k, v] : request.query) query.emplace_back(UriEncode(k, false), UriEncode(v, false));
    std::sort(query.begin(), query.end());
    for (size_t i = 0; i < query.size(); ++i) {
      if (i) out.push_back('&');
      out.append(query[i].first).append("=").append(query[i].second);
    }
  }
  out.push_back('\n');
  for (const std::string& name : signed_headers) {
    out.append(name).push_back(':');
    bool first = true;
    for (const auto& [k, v] : request.headers) {
      if (!core::EqualsIgnoreCase(k, name)) continue;
      if (!first) out.push_back(',');
      out.append(CanonicalValue(v));
      first = false;
    }
    out.push_back('\n');
  }
  out.push_back('\n');
  for (size_t i = 0; i < signed_headers.size(); ++i) {
    if (i) out.push_back(';');
    out.append(signed_headers[i]);
  }
  out.push_back('\n');
  out.append(core::HexEncode(crypto::Sha256(request.body)));
  return out;
}

std::string SigningKeyCache::Get(std::string_view secret, std::string_view date, std::string_view region,
                                 std::string_view service) {
  std::string id = std::string(date) + "/" + std::string(region) + "/" + std::string(service) + "/" + std::string(secret);
  {
    std::shared_lock<std::shared_mutex> lock(mu_);
    auto it = keys_.find(id);
    if (it != keys_.end()) return it->second;
  }
  std::string key = crypto::HmacSha256("AWS4" + std::string(secret), date);
  key = crypto::HmacSha256(key, region);
  key = crypto::HmacSha256(key, service);
  key = crypto::HmacSha256(key, "aws4_request");
  std::unique_lock<std::shared_mutex> lock(mu_);
  if (keys_.size() > 4096) keys_.clear();  // bounded: dates and sessions come and go
  keys_[id] = key;
  return key;
}

std::string ComputeSignature(const SignableRequest& request, const SigV4Authorization& auth,
                             std::string_view amz_date, std::string_view secret, SigningKeyCache& cache) {
  std::string scope = auth.date + "/" + auth.region + "/" + auth.service + "/aws4_request";
  std::string string_to_sign = "AWS4-HMAC-SHA256\n" + std::string(amz_date) + "\n" + scope + "\n" +
                               core::HexEncode(crypto::Sha256(CanonicalRequest(request, auth.signed_headers)));
  return core::HexEncode(crypto::HmacSha256(cache.Get(secret, auth.date, auth.region, auth.service), string_to_sign));
}

}  // namespace kmslab::http
