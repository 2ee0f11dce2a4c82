#include "http/authenticator.h"

#include "core/arn.h"
#include "core/strings.h"
#include "crypto/hmac.h"

namespace kmslab::http {

namespace {
constexpr int64_t kSkewMillis = 15 * 60 * 1000;

core::Status AuthError(const std::string& type, const std::string& message) {
  return core::Status(core::Code::kUnauthenticated, message, type);
}

// `text` for quoting in an error message: printable ASCII only, else "".
std::string Quotable(std::string_view text) {
  for (char c : text)
    if (c < 0x20 || c > 0x7e) return "";
  return std::string(text);
}
}  // namespace

Authenticated Authenticator::Anonymous(const std::string& region) const {
  return {iam::RootIdentity(default_account_), region.empty() ? default_region_ : region, ""};
}

core::StatusOr<Authenticated> Authenticator::Authenticate(const SignableRequest& request,
                                                          const std::function<std::string(const std::string&)>& header,
                                                          std::string_view service) {
  const std::string authorization = header("Authorization");
  if (authorization.empty()) {
    if (mode_ == AuthMode::kOpen) return Anonymous("");
    return AuthError("MissingAuthenticationTokenException", "Missing Authentication Token");
  }
  auto auth = ParseAuthorization(authorization);
  if (!auth) {
    if (mode_ == AuthMode::kOpen) return Anonymous("");
    return AuthError("IncompleteSignatureException",
                     "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters "
                     "(AWS4-HMAC-SHA256).");
  }
  if (!core::IsRegionName(auth->region)) {
    // AWS names the region it refuses; bytes that cannot be quoted are left out.
    const std::string quoted = Quotable(auth->region);
    return AuthError("InvalidSignatureException",
                     quoted.empty() ? "Credential should be scoped to a valid region. "
                                    : "Credential should be scoped to a valid region, not '" + quoted + "'. ");
  }
  auto credential = directory_ ? directory_->FindAccessKey(auth->access_key_id) : std::nullopt;
  if (!credential) {
    if (mode_ == AuthMode::kOpen) return Anonymous(auth->region);
    return AuthError("UnrecognizedClientException", "The security token included in the request is invalid.");
  }

  if (auth->service != service) {
    return AuthError("InvalidSignatureException",
                     "Credential should be scoped to correct service: '" + std::string(service) + "'. ");
  }
  const std::string amz_date = header("X-Amz-Date");
  const int64_t signed_at = core::ParseAmzDate(amz_date);
  if (signed_at < 0) {
    return AuthError("IncompleteSignatureException",
                     "Authorization header requires existence of either a "
                     "'X-Amz-Date' or a 'Date' header.");
  }
  if (std::string_view(amz_date).substr(0, 8) != auth->date) {
    return AuthError("InvalidSignatureException",
                     "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '" +
                         Quotable(auth->date) + "' != '" + amz_date.substr(0, 8) + "', from '" + amz_date + "'.");
  }
  const int64_t now = real_clock_->NowMillis();
  if (signed_at < now - kSkewMillis) {
    return AuthError("InvalidSignatureException", "Signature expired: " + amz_date + " is now earlier than " +
                                                      core::FormatAmzDate(now - kSkewMillis) + " (" +
                                                      core::FormatAmzDate(now) + " - 15 min.)");
  }
  if (signed_at > now + kSkewMillis) {
    return AuthError("InvalidSignatureException", "Signature not yet current: " + amz_date + " is still later than " +
                                                      core::FormatAmzDate(now + kSkewMillis) + " (" +
                                                      core::FormatAmzDate(now) + " + 15 min.)");
  }
  constexpr std::string_view kMismatch =
      "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access "
      "Key and signing method. Consult the service documentation for details.";
  // A list that signs one header twice is no signer's; its canonical request
  // is not built (it could be thousands of times the request's size). [I]: AWS's
  // answer to such a list is not recorded; a mismatch is what its signer sees.
  if (RepeatsAName(auth->signed_headers)) return AuthError("InvalidSignatureException", std::string(kMismatch));
  const std::string expected = ComputeSignature(request, *auth, amz_date, credential->secret, signing_keys_);
  if (!crypto::ConstantTimeEquals(expected, auth->signature)) {
    return AuthError("InvalidSignatureException", std::string(kMismatch));
  }
  if (!credential->session_token.empty()) {
    if (!crypto::ConstantTimeEquals(header("X-Amz-Security-Token"), credential->session_token)) {
      return AuthError("UnrecognizedClientException", "The security token included in the request is invalid.");
    }
    if (credential->expires_ms <= now) {
      return AuthError("ExpiredTokenException", "The security token included in the request is expired");
    }
  }
  return Authenticated{credential->identity, auth->region, auth->access_key_id};
}

}  // namespace kmslab::http
