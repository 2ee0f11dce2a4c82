#include "http/router.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/arn.h"
#include "core/random.h"
#include "http/sigv4_scope.h"

namespace kmslab::http {

namespace {
constexpr std::string_view kKmsPrefix = "TrentService.";
constexpr char kJson11[] = "application/x-amz-json-1.1";
}  // namespace

int HttpStatusFor(const std::string& aws_type) {
  if (aws_type == "KMSInternalException" || aws_type == "KeyUnavailableException" ||
      aws_type == "InternalServerError") {
    return 500;
  }
  if (aws_type == "DependencyTimeoutException") return 503;
  return 400;
}

std::string ErrorBody(const std::string& aws_type, const std::string& message) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("__type");
  w.String(aws_type.c_str());
  w.Key("message");
  w.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

HttpResponse Router::Handle(const HttpRequest& request) const {
  HttpResponse response;
  response.request_id = core::NewUuid();
  response.content_type = kJson11;
  const std::string target = request.header("X-Amz-Target");
  if (request.method != "POST" || request.path != "/" || !target.starts_with(kKmsPrefix)) {
    response.status = 400;
    response.body = ErrorBody("UnknownOperationException",
                              target.empty() ? "Missing X-Amz-Target header; kmslab serves POST / with X-Amz-Target "
                                               "TrentService.<Operation>."
                                             : "Unknown operation " + target + ".");
    return response;
  }

  kms::CallContext call;
  auto scope = ParseCredentialScope(request.header("Authorization"));
  call.region = scope && !scope->region.empty() ? scope->region : options_.region;
  // Until identities are loaded, every caller acts as the root of the account.
  call.caller = {core::AccountRootArn(options_.account), options_.account, "Root", scope ? scope->access_key_id : ""};
  call.request_id = response.request_id;
  call.source_ip = request.remote_addr;
  call.user_agent = request.header("User-Agent");

  kms::Reply reply = kms_->Handle(std::string_view(target).substr(kKmsPrefix.size()), request.body, call);
  if (reply.status.ok()) {
    response.body = std::move(reply.body);
  } else {
    response.status = HttpStatusFor(reply.status.aws_type());
    response.body = ErrorBody(reply.status.aws_type(), reply.status.message());
  }
  return response;
}

}  // namespace kmslab::http
