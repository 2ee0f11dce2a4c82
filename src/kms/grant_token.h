// Grant tokens: opaque, URL-safe strings CreateGrant returns, naming a grant
// and its key so a request can use a grant before it is consistent.
// Format (ours): base64url("kmslab-grant-token-v1:<grant id>:<key id>:<nonce>").
// Pure functions, thread-safe.
#ifndef KMSLAB_KMS_GRANT_TOKEN_H_
#define KMSLAB_KMS_GRANT_TOKEN_H_

#include <optional>
#include <string>
#include <string_view>

namespace kmslab::kms {

struct GrantTokenRef {
  std::string grant_id;
  std::string key_id;
};

// A new token for the grant (each call gives a different one).
std::string MakeGrantToken(const std::string& grant_id, const std::string& key_id);
// Nullopt when `token` is not one of ours (InvalidGrantTokenException).
std::optional<GrantTokenRef> ParseGrantToken(std::string_view token);

}  // namespace kmslab::kms

#endif  // KMSLAB_KMS_GRANT_TOKEN_H_
