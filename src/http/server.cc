#include "http/server.h"

#include <exception>

#include "core/random.h"
#include "http/admin.h"
#include "http/sts_wire.h"

namespace kmslab::http {

Server::Server(const Router* router, Tuning tuning) : router_(router), tuning_(tuning) {
  auto handle = [this](const httplib::Request& req, httplib::Response& res) {
    HttpRequest request{req.method, req.path, {}, {}, req.body, req.remote_addr};
    // req.params also holds a form body's fields; only the URL's query is signed as such.
    if (size_t q = req.target.find('?'); q != std::string::npos) {
      for (const auto& [k, v] : ParseForm(std::string_view(req.target).substr(q + 1))) request.query.emplace_back(k, v);
    }
    for (const auto& [k, v] : req.headers) {
      // cpp-httplib adds these itself; they were not sent, so not signed.
      if (k == "REMOTE_ADDR" || k == "REMOTE_PORT" || k == "LOCAL_ADDR" || k == "LOCAL_PORT") continue;
      request.headers.emplace_back(k, v);  // views: `req` outlives `request`
    }
    HttpResponse response = router_->Handle(request);
    res.status = response.status;
    res.set_header("x-amzn-RequestId", response.request_id);
    res.set_content(response.body, response.content_type.c_str());
  };
  server_.Post("/", handle);
  // kmslab's admin paths (the router checks who may use them).
  server_.Get("/_kmslab/.*", handle);
  server_.Post("/_kmslab/.*", handle);
  server_.Post(std::string(kMotoResetPath), handle);
  // Anything the handler did not answer (unknown paths and methods, bodies
  // over the limit) still gets an AWS-style JSON error.
  server_.set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    res.set_header("x-amzn-RequestId", core::NewUuid());
    if (res.status == 413) {
      res.set_content(ErrorBody("RequestEntityTooLargeException",
                                "Request body exceeds the limit of " + std::to_string(tuning_.max_body_bytes) +
                                    " bytes."),
                      "application/x-amz-json-1.1");
      return;
    }
    res.status = 400;
    res.set_content(ErrorBody("UnknownOperationException", req.method + " " + req.path + " is not served; use POST /."),
                    "application/x-amz-json-1.1");
  });
  server_.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    res.status = 500;
    res.set_header("x-amzn-RequestId", core::NewUuid());
    res.set_content(ErrorBody("InternalServerError", "Unexpected server error."), "application/x-amz-json-1.1");
  });
}

int Server::Bind(const std::string& host, int port) { return BindTuned(server_, host, port, tuning_); }

bool Server::Run() { return server_.listen_after_bind(); }

void Server::Stop() { server_.stop(); }

}  // namespace kmslab::http
