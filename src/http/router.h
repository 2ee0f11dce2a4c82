// Router: one HTTP request in, one HTTP response out, for every emulated
// service on the port. Authenticates (SigV4), routes by X-Amz-Target (KMS) or
// form Action (STS), and maps service errors to HTTP status and AWS's error
// bodies. Independent of sockets so it can be tested in-process. Thread-safe.
#ifndef KMSLAB_HTTP_ROUTER_H_
#define KMSLAB_HTTP_ROUTER_H_

#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/authenticator.h"
#include "http/sts_wire.h"
#include "ddb/service.h"
#include "kms/service.h"

namespace kmslab::http {

// Views into the server's request; valid while it is handled.
struct HttpRequest {
  std::string_view method;
  std::string_view path;
  QueryParams query;     // decoded
  HeaderViews headers;   // as received
  std::string_view body;
  std::string_view remote_addr;

  // The first header of that name (case-insensitive), or "".
  std::string_view Header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type;
  std::string body;
  std::string request_id;
  // DynamoDB's x-amz-crc32: the CRC-32 of `body` (set by Route for every
  // DynamoDB and DynamoDB Streams answer, errors included; SDKs verify it).
  std::optional<uint32_t> crc32;
};

// Request body limits, by service (Router::MaxBodyBytes), decided from the
// head, so chunked bodies are bounded as Content-Length ones are.
inline constexpr size_t kKmsMaxBodyBytes = 512 * 1024;  // KMS JSON and STS form posts
// DynamoDB: BatchWriteItem takes up to 16 MB of items (25 of at most 400 KB,
// binary counted as bytes); on the wire binary travels as base64 (4/3) inside
// JSON, so 16 MB of items can take ~21.4 MB. 24 MiB admits that with room for
// names and type tags, and still bounds what one request may buffer.
inline constexpr size_t kDynamoDbMaxBodyBytes = 24 * 1024 * 1024;
inline constexpr size_t kAdminMaxBodyBytes = 64 * 1024;              // /_kmslab/... and /moto-api/reset

class Router {
 public:
  // `modelled_status`: send the HTTP status the service model declares for
  // NotFound (404), AlreadyExists and the state errors (409), DryRun (412) instead of
  // the 400 real KMS sends (a switch, docs/spec/kms.md section 10).
  // `ddb` and `admin` may be null (then their paths answer UnknownOperation / not found).
  Router(kms::Service* kms, Authenticator* authenticator, const StsEndpoint* sts, bool modelled_status = false,
         ddb::Service* ddb = nullptr, const class AdminEndpoint* admin = nullptr)
      : kms_(kms), ddb_(ddb), admin_(admin), authenticator_(authenticator), sts_(sts), modelled_status_(modelled_status) {}
  HttpResponse Handle(const HttpRequest& request) const;
  // The largest body accepted for a request to `path` with this X-Amz-Target
  // header value, decided from the head before any body byte is read.
  size_t MaxBodyBytes(std::string_view path, std::string_view target) const;

 private:
  HttpResponse Route(const HttpRequest& request) const;
  // Requests share it; a reset takes it alone.
  mutable std::shared_mutex state_mu_;
  kms::Service* kms_;
  ddb::Service* ddb_;
  const AdminEndpoint* admin_;
  Authenticator* authenticator_;
  const StsEndpoint* sts_;
  bool modelled_status_;
};

// The HTTP status AWS sends with an error type (400 unless a server fault),
// or with `modelled` the status the service model declares.
int HttpStatusFor(const std::string& aws_type, bool modelled = false);
// {"__type": ..., "message": ...}, then the members of `detail_json` (a JSON
// object's text, Status::detail_json) if any; `__type` is sent as given.
std::string ErrorBody(const std::string& aws_type, const std::string& message, const std::string& detail_json = "");

}  // namespace kmslab::http

#endif  // KMSLAB_HTTP_ROUTER_H_
