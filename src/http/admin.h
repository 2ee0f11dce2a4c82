// AdminEndpoint: kmslab's own control paths under /_kmslab/ (the server
// clock). They answer loopback clients only and, when an admin token is set,
// only requests carrying it in X-Kmslab-Admin-Token. Thread-safe.
#ifndef KMSLAB_HTTP_ADMIN_H_
#define KMSLAB_HTTP_ADMIN_H_

#include <string>

#include "core/clock.h"
#include "http/router.h"

namespace kmslab::http {

inline constexpr std::string_view kAdminPrefix = "/_kmslab/";

class AdminEndpoint {
 public:
  // `token` empty: no token required.
  AdminEndpoint(core::ServerClock* clock, std::string token) : clock_(clock), token_(std::move(token)) {}

  // GET /_kmslab/clock reads the clock; POST /_kmslab/clock {"advanceSeconds": N}
  // moves it forward N (>= 0) seconds. Both answer {"now", "epochMillis", "offsetSeconds"}.
  HttpResponse Handle(const HttpRequest& request) const;

 private:
  core::ServerClock* clock_;
  const std::string token_;
};

}  // namespace kmslab::http

#endif  // KMSLAB_HTTP_ADMIN_H_
