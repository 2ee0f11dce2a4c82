// Reads the SigV4 credential scope of an Authorization header:
// "AWS4-HMAC-SHA256 Credential=AKID/20261123/us-east-1/kms/aws4_request, ...".
// Parsing only; signature verification is the authentication stage's job.
#ifndef KMSLAB_HTTP_SIGV4_SCOPE_H_
#define KMSLAB_HTTP_SIGV4_SCOPE_H_

#include <optional>
#include <string>
#include <string_view>

namespace kmslab::http {

struct CredentialScope {
  std::string access_key_id;
  std::string date;     // yyyymmdd
  std::string region;
  std::string service;
};

// Nullopt when the header is not a well-formed AWS4-HMAC-SHA256 header.
std::optional<CredentialScope> ParseCredentialScope(std::string_view authorization);

}  // namespace kmslab::http

#endif  // KMSLAB_HTTP_SIGV4_SCOPE_H_
