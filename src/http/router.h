// Router: one HTTP request in, one HTTP response out, for every emulated
// service on the port. Routes by X-Amz-Target, establishes the caller and
// region, and maps service errors to HTTP status and an AWS JSON error body.
// Independent of sockets so it can be tested in-process. Thread-safe.
#ifndef KMSLAB_HTTP_ROUTER_H_
#define KMSLAB_HTTP_ROUTER_H_

#include <functional>
#include <map>
#include <string>

#include "kms/service.h"

namespace kmslab::http {

struct HttpRequest {
  std::string method;
  std::string path;
  std::function<std::string(const std::string&)> header;  // "" when absent; names case-insensitive
  std::string body;
  std::string remote_addr;
};

struct HttpResponse {
  int status = 200;
  std::string content_type;
  std::string body;
  std::string request_id;
};

struct RouterOptions {
  std::string account;  // the caller's account until identities exist
  std::string region;   // when the request carries no credential scope
};

class Router {
 public:
  Router(kms::Service* kms, RouterOptions options) : kms_(kms), options_(std::move(options)) {}
  HttpResponse Handle(const HttpRequest& request) const;

 private:
  kms::Service* kms_;
  RouterOptions options_;
};

// The HTTP status AWS sends with an error type (400 unless a server fault).
int HttpStatusFor(const std::string& aws_type);
// {"__type": ..., "message": ...}
std::string ErrorBody(const std::string& aws_type, const std::string& message);

}  // namespace kmslab::http

#endif  // KMSLAB_HTTP_ROUTER_H_
