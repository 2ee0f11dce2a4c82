// AdminEndpoint: kmslab's own control paths under /_kmslab/ (the server
// clock, the audit trail, reset) and moto's /moto-api/reset. They answer
// loopback clients only and, when an admin token is set, only requests
// carrying it in X-Kmslab-Admin-Token. Thread-safe.
#ifndef KMSLAB_HTTP_ADMIN_H_
#define KMSLAB_HTTP_ADMIN_H_

#include <functional>
#include <string>

#include "core/clock.h"
#include "http/router.h"

namespace kmslab::http {

inline constexpr std::string_view kAdminPrefix = "/_kmslab/";
inline constexpr std::string_view kMotoResetPath = "/moto-api/reset";

// What the admin paths do beyond the clock, supplied by whoever wires the server.
struct AdminHooks {
  // Empties all state and reloads the fixtures. Called with no request in flight.
  std::function<core::Status()> reset;
  // The trail events matching the query's filters, as {"events": [...]}.
  std::function<core::StatusOr<std::string>(const QueryParams& query)> trail;
};

// True for the paths that must run with no other request in flight.
bool IsResetPath(std::string_view path);

class AdminEndpoint {
 public:
  // `token` empty: no token required.
  AdminEndpoint(core::ServerClock* clock, std::string token, AdminHooks hooks = {})
      : clock_(clock), token_(std::move(token)), hooks_(std::move(hooks)) {}

  // GET /_kmslab/clock reads the clock; POST /_kmslab/clock {"advanceSeconds": N}
  // moves it forward N (>= 0) seconds. Both answer {"now", "epochMillis", "offsetSeconds"}.
  // POST /_kmslab/reset and POST /moto-api/reset empty all state.
  // GET /_kmslab/trail?principal=&eventName=&keyId=&errorCode=&decision=&since=&until=&requestId=&limit=
  // answers the matching audit events.
  HttpResponse Handle(const HttpRequest& request) const;

 private:
  HttpResponse Clock(const HttpRequest& request) const;

  core::ServerClock* clock_;
  const std::string token_;
  const AdminHooks hooks_;
};

}  // namespace kmslab::http

#endif  // KMSLAB_HTTP_ADMIN_H_
