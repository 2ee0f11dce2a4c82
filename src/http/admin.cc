#include "http/admin.h"

#include <rapidjson/document.h>

#include "core/json_text.h"
#include "core/random.h"
#include "core/strings.h"
#include "crypto/hmac.h"

namespace kmslab::http {

namespace {

bool IsLoopback(std::string_view address) {
  return address.starts_with("127.") || address == "::1" || address.starts_with("::ffff:127.");
}

HttpResponse Json(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.content_type = "application/json";
  response.body = std::move(body);
  response.request_id = core::NewUuid();
  return response;
}

HttpResponse Error(int status, const std::string& type, const std::string& message) {
  return Json(status, ErrorBody(type, message));
}

}  // namespace

bool IsResetPath(std::string_view path) { return path == "/_kmslab/reset" || path == kMotoResetPath; }

HttpResponse AdminEndpoint::Handle(const HttpRequest& request) const {
  if (!IsLoopback(request.remote_addr)) {
    return Error(403, "AccessDeniedException", "kmslab admin paths answer loopback clients only.");
  }
  if (!token_.empty() && !crypto::ConstantTimeEquals(request.Header("X-Kmslab-Admin-Token"), token_)) {
    return Error(403, "AccessDeniedException", "Missing or wrong X-Kmslab-Admin-Token header.");
  }
  if (request.path == "/_kmslab/clock") return Clock(request);
  if (IsResetPath(request.path) && request.method == "POST" && hooks_.reset) {
    core::Status reset = hooks_.reset();
    if (!reset.ok()) return Error(500, "InternalServerError", reset.message());
    return Json(200, "{\"status\":\"ok\"}");
  }
  if (request.path == "/_kmslab/trail" && request.method == "GET" && hooks_.trail) {
    auto events = hooks_.trail(request.query);
    if (!events.ok()) return Error(400, "ValidationException", events.status().message());
    return Json(200, std::move(events).value());
  }
  return Error(404, "ResourceNotFoundException",
               "No admin path " + std::string(request.method) + " " + std::string(request.path) + ".");
}

HttpResponse AdminEndpoint::Clock(const HttpRequest& request) const {
  if (request.method == "POST") {
    rapidjson::Document body;
    const bool well_formed = core::CheckJsonText(request.body).ok();
    if (well_formed) body.Parse(request.body.data(), request.body.size());
    if (!well_formed || body.HasParseError() || !body.IsObject() || !body.HasMember("advanceSeconds") ||
        !body["advanceSeconds"].IsInt64() || body["advanceSeconds"].GetInt64() < 0 ||
        body["advanceSeconds"].GetInt64() > 100LL * 365 * 24 * 3600) {
      return Error(400, "ValidationException",
                   "Send {\"advanceSeconds\": N} with N a whole number of seconds, 0 or more: the clock only moves "
                   "forward.");
    }
    // N is at most 100 years, so the sum cannot overflow while the clock is within its range.
    if (clock_->NowMillis() + body["advanceSeconds"].GetInt64() * 1000 > core::ServerClock::kLatestMillis) {
      return Error(400, "ValidationException", "The server clock cannot move past 9999-12-31T23:59:59Z.");
    }
    clock_->AdvanceSeconds(body["advanceSeconds"].GetInt64());
  } else if (request.method != "GET") {
    return Error(405, "ValidationException", "Use GET or POST on /_kmslab/clock.");
  }
  const int64_t now = clock_->NowMillis();
  return Json(200, "{\"now\":\"" + core::FormatIso8601(now) + "\",\"epochMillis\":" + std::to_string(now) +
                       ",\"offsetSeconds\":" + std::to_string(clock_->OffsetMillis() / 1000) + "}");
}

}  // namespace kmslab::http
