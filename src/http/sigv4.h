// AWS Signature Version 4 (header form): parsing the Authorization header and
// computing the signature a request must carry, per AWS's specification.
// Pure functions except SigningKeyCache, which is thread-safe.
#ifndef KMSLAB_HTTP_SIGV4_H_
#define KMSLAB_HTTP_SIGV4_H_

#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "crypto/hmac.h"

namespace kmslab::http {

// "AWS4-HMAC-SHA256 Credential=AKID/20261123/us-east-1/kms/aws4_request,
//  SignedHeaders=host;x-amz-date, Signature=<64 hex>"
struct SigV4Authorization {
  std::string access_key_id;
  std::string date;  // yyyymmdd
  std::string region;
  std::string service;
  std::vector<std::string> signed_headers;  // as listed (signers send them lowercase)
  std::string signature;                    // lowercase hex
};

// Nullopt when the header is not a well-formed AWS4-HMAC-SHA256 header.
std::optional<SigV4Authorization> ParseAuthorization(std::string_view header);

// RFC 3986 unreserved characters pass; everything else is %XX (uppercase);
// `keep_slash` keeps '/' (paths).
std::string UriEncode(std::string_view s, bool keep_slash = false);

using QueryParams = std::vector<std::pair<std::string, std::string>>;  // decoded name/value pairs
using HeaderViews = std::vector<std::pair<std::string_view, std::string_view>>;

// What the signature covers; views into the request being handled.
struct SignableRequest {
  std::string_view method;
  std::string_view path;  // decoded, e.g. "/"
  const QueryParams& query;
  const HeaderViews& headers;  // every header as received
  std::string_view body;
};

// The canonical request of AWS's specification (exposed for tests). Its size
// and cost are linear in the request's when no name is signed twice (callers
// refuse such lists first: RepeatsAName).
std::string CanonicalRequest(const SignableRequest& request, const std::vector<std::string>& signed_headers);

// True when `signed_headers` names one header twice (case-insensitively). No
// signer does; the canonical request of such a list repeats that header's
// values once per mention, so a 28 KiB request would make one of ~90 MB.
bool RepeatsAName(const std::vector<std::string>& signed_headers);

// Derived signing keys per (secret, date, region, service); deriving one
// costs four HMACs, so they are kept (in memory only, like the secrets).
class SigningKeyCache {
 public:
  crypto::Digest Get(std::string_view secret, std::string_view date, std::string_view region, std::string_view service);

 private:
  std::shared_mutex mu_;
  std::unordered_map<std::string, crypto::Digest> keys_;
};

// The lowercase hex signature for `request` under `secret`; `amz_date` is the
// X-Amz-Date value (yyyymmddThhmmssZ).
std::string ComputeSignature(const SignableRequest& request, const SigV4Authorization& auth, std::string_view amz_date,
                             std::string_view secret, SigningKeyCache& cache);

}  // namespace kmslab::http

#endif  // KMSLAB_HTTP_SIGV4_H_
