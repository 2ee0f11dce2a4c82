// Authenticator: establishes who sent a request from its SigV4 signature.
//
// Strict mode (default): a request must carry a valid signature by a known
// access key (fixtures or an STS session), within 15 minutes of real time;
// failures get AWS's error types and texts. Open mode: requests with missing
// or unknown credentials act as the root of the default account (for suites
// written for other emulators); known keys must still sign correctly.
// Thread-safe.
#ifndef KMSLAB_HTTP_AUTHENTICATOR_H_
#define KMSLAB_HTTP_AUTHENTICATOR_H_

#include <functional>
#include <string>

#include "core/clock.h"
#include "core/status.h"
#include "http/sigv4.h"
#include "iam/directory.h"

namespace kmslab::http {

enum class AuthMode { kStrict, kOpen };

struct Authenticated {
  iam::IdentityPtr identity;
  std::string region;  // from the credential scope, else the default
  std::string access_key_id;
};

class Authenticator {
 public:
  // `real_clock` is wall time: labs may move the server clock, not clients' clocks.
  Authenticator(const iam::Directory* directory, AuthMode mode, std::string default_account,
                std::string default_region, const core::Clock* real_clock)
      : directory_(directory),
        mode_(mode),
        default_account_(std::move(default_account)),
        default_region_(std::move(default_region)),
        real_clock_(real_clock) {}

  // `service` is the signing name the endpoint expects ("kms", "sts").
  core::StatusOr<Authenticated> Authenticate(const SignableRequest& request,
                                             const std::function<std::string(const std::string&)>& header,
                                             std::string_view service);

 private:
  Authenticated Anonymous(const std::string& region) const;

  const iam::Directory* directory_;
  AuthMode mode_;
  std::string default_account_;
  std::string default_region_;
  const core::Clock* real_clock_;
  SigningKeyCache signing_keys_;
};

}  // namespace kmslab::http

#endif  // KMSLAB_HTTP_AUTHENTICATOR_H_
