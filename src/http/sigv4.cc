#include "http/sigv4.h"

#include <algorithm>
#include <cctype>
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
// Appends `v` trimmed, with runs of spaces collapsed, as canonical header values require.
void AppendCanonicalValue(std::string& out, std::string_view v) {
  bool space = false, any = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = any;
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    any = true;
    out.push_back(c);
  }
}

// The value after `name` up to the next ',' with trailing spaces dropped.
std::string_view Field(std::string_view header, std::string_view name) {
  size_t pos = header.find(name);
  if (pos == std::string_view::npos) return {};
  std::string_view value = header.substr(pos + name.size());
  value = value.substr(0, value.find(','));
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  return value;
}

// Splits `s` at `sep` into views.
std::vector<std::string_view> SplitViews(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    size_t end = s.find(sep, start);
    parts.push_back(s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

void AppendHex(std::string& out, const crypto::Digest& d) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (unsigned char c : d) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xf]);
  }
}
}  // namespace

std::optional<SigV4Authorization> ParseAuthorization(std::string_view header) {
  constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256 ";
  if (!header.starts_with(kAlgorithm)) return std::nullopt;
  std::vector<std::string_view> scope = SplitViews(Field(header, "Credential="), '/');
  std::string_view signed_headers = Field(header, "SignedHeaders=");
  std::string_view signature = Field(header, "Signature=");
  if (scope.size() != 5 || scope[4] != "aws4_request" || scope[0].empty() || scope[1].size() != 8 || scope[2].empty() ||
      signed_headers.empty() || signature.size() != 64) {
    return std::nullopt;
  }
  SigV4Authorization auth{
      std::string(scope[0]), std::string(scope[1]), std::string(scope[2]), std::string(scope[3]), {},
      std::string(signature)};
  for (std::string_view name : SplitViews(signed_headers, ';')) auth.signed_headers.emplace_back(name);
  for (char& c : auth.signature) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return auth;
}

std::string CanonicalRequest(const SignableRequest& request, const std::vector<std::string>& signed_headers) {
  std::string out;
  out.reserve(512);
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
  // The request's headers by lowercase name, values in arrival order: one
  // sort, then a lookup per signed name (linear in the request, not the
  // product of the two lists).
  std::vector<std::pair<std::string, std::string_view>> by_name;
  by_name.reserve(request.headers.size());
  for (const auto& [k, v] : request.headers) by_name.emplace_back(core::ToLower(k), v);
  auto name_less = [](const auto& a, const auto& b) { return a.first < b.first; };
  std::stable_sort(by_name.begin(), by_name.end(), name_less);
  for (const std::string& name : signed_headers) {
    out.append(name).push_back(':');
    const std::pair<std::string, std::string_view> probe{core::ToLower(name), {}};
    const auto [begin, end] = std::equal_range(by_name.begin(), by_name.end(), probe, name_less);
    for (auto it = begin; it != end; ++it) {
      if (it != begin) out.push_back(',');
      AppendCanonicalValue(out, it->second);
    }
    out.push_back('\n');
  }
  out.push_back('\n');
  for (size_t i = 0; i < signed_headers.size(); ++i) {
    if (i) out.push_back(';');
    out.append(signed_headers[i]);
  }
  out.push_back('\n');
  AppendHex(out, crypto::Sha256(request.body));
  return out;
}

bool RepeatsAName(const std::vector<std::string>& signed_headers) {
  std::vector<std::string> names;
  names.reserve(signed_headers.size());
  for (const std::string& name : signed_headers) names.push_back(core::ToLower(name));
  std::sort(names.begin(), names.end());
  return std::adjacent_find(names.begin(), names.end()) != names.end();
}

crypto::Digest SigningKeyCache::Get(std::string_view secret, std::string_view date, std::string_view region,
                                    std::string_view service) {
  // The lookup key is built in a per-thread buffer: no allocation once warm.
  thread_local std::string id;
  id.assign(date).append("/").append(region).append("/").append(service).append("/").append(secret);
  {
    std::shared_lock<std::shared_mutex> lock(mu_);
    auto it = keys_.find(id);
    if (it != keys_.end()) return it->second;
  }
  crypto::Digest key = crypto::HmacSha256("AWS4" + std::string(secret), date);
  key = crypto::HmacSha256(crypto::View(key), region);
  key = crypto::HmacSha256(crypto::View(key), service);
  key = crypto::HmacSha256(crypto::View(key), "aws4_request");
  std::unique_lock<std::shared_mutex> lock(mu_);
  if (keys_.size() > 4096) keys_.clear();  // bounded: dates and sessions come and go
  keys_[id] = key;
  return key;
}

std::string ComputeSignature(const SignableRequest& request, const SigV4Authorization& auth, std::string_view amz_date,
                             std::string_view secret, SigningKeyCache& cache) {
  std::string string_to_sign;
  string_to_sign.reserve(160);
  string_to_sign.append("AWS4-HMAC-SHA256\n").append(amz_date).push_back('\n');
  string_to_sign.append(auth.date).append("/").append(auth.region).append("/").append(auth.service);
  string_to_sign.append("/aws4_request\n");
  AppendHex(string_to_sign, crypto::Sha256(CanonicalRequest(request, auth.signed_headers)));
  std::string signature;
  signature.reserve(64);
  AppendHex(signature,
            crypto::HmacSha256(crypto::View(cache.Get(secret, auth.date, auth.region, auth.service)), string_to_sign));
  return signature;
}

}  // namespace kmslab::http
