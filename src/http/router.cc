#include "http/router.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/crc32.h"
#include "core/json_text.h"
#include "core/random.h"
#include "core/strings.h"
#include "ddb/errors.h"
#include "http/admin.h"

namespace kmslab::http {

namespace {
constexpr std::string_view kKmsPrefix = "TrentService.";
constexpr std::string_view kDynamoDbPrefix = "DynamoDB_20120810.";
constexpr std::string_view kDynamoDbStreamsPrefix = "DynamoDBStreams_20120810.";
constexpr char kJson11[] = "application/x-amz-json-1.1";
constexpr char kJson10[] = "application/x-amz-json-1.0";
}  // namespace

std::string_view HttpRequest::Header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (core::EqualsIgnoreCase(k, name)) return v;
  return "";
}

int HttpStatusFor(const std::string& aws_type, bool modelled) {
  if (modelled) {
    if (aws_type == "NotFoundException") return 404;
    if (aws_type == "AlreadyExistsException" || aws_type == "DisabledException" ||
        aws_type == "KMSInvalidStateException") {
      return 409;
    }
    if (aws_type == "DryRunOperationException") return 412;
  }
  if (aws_type == "KMSInternalException" || aws_type == "KeyUnavailableException" ||
      aws_type == "InternalServerError") {
    return 500;
  }
  if (aws_type == "DependencyTimeoutException") return 503;
  return 400;
}

std::string ErrorBody(const std::string& aws_type, const std::string& message, const std::string& detail_json) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("__type");
  w.String(aws_type.c_str());
  w.Key("message");
  // Messages may quote what the client sent; the body must stay valid UTF-8.
  const std::string text = core::ScrubUtf8(message);
  w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  rapidjson::Document detail;
  if (!detail_json.empty()) detail.Parse(detail_json.data(), detail_json.size());
  if (!detail_json.empty() && !detail.HasParseError() && detail.IsObject()) {
    for (const auto& m : detail.GetObject()) {
      w.Key(m.name.GetString(), m.name.GetStringLength());
      m.value.Accept(w);
    }
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

HttpResponse Router::Handle(const HttpRequest& request) const {
  if (admin_ && IsResetPath(request.path)) {
    std::unique_lock<std::shared_mutex> alone(state_mu_);
    return admin_->Handle(request);
  }
  std::shared_lock<std::shared_mutex> shared(state_mu_);
  return Route(request);
}

size_t Router::MaxBodyBytes(std::string_view path, std::string_view target) const {
  if (path.starts_with(kAdminPrefix) || path == kMotoResetPath) return kAdminMaxBodyBytes;
  if (ddb_ && (target.starts_with(kDynamoDbPrefix) || target.starts_with(kDynamoDbStreamsPrefix))) {
    return kDynamoDbMaxBodyBytes;
  }
  return kKmsMaxBodyBytes;
}

HttpResponse Router::Route(const HttpRequest& request) const {
  HttpResponse response;
  response.request_id = core::NewUuid();
  response.content_type = kJson11;
  if (admin_ && request.path.starts_with(kAdminPrefix)) return admin_->Handle(request);
  const std::string_view target = request.Header("X-Amz-Target");
  const bool is_kms = target.starts_with(kKmsPrefix);
  // DynamoDB Streams: the same service and pipeline, signed as dynamodb.
  const bool is_streams = ddb_ && target.starts_with(kDynamoDbStreamsPrefix);
  const bool is_ddb = (ddb_ && target.starts_with(kDynamoDbPrefix)) || is_streams;
  const bool is_sts = target.empty() && request.Header("Content-Type").starts_with("application/x-www-form-urlencoded");
  if (is_ddb) response.content_type = kJson10;
  // DynamoDB names its errors in namespaces and never uses the modelled statuses.
  auto json_error = [&](const core::Status& status) {
    response.status = HttpStatusFor(status.aws_type(), modelled_status_ && !is_ddb);
    response.body = ErrorBody(is_ddb ? ddb::WireErrorType(status.aws_type()) : status.aws_type(), status.message(),
                              status.detail_json());
    if (is_ddb) response.crc32 = core::Crc32(response.body);
    return response;
  };
  if (request.method != "POST" || request.path != "/" || (!is_kms && !is_ddb && !is_sts)) {
    return json_error(core::Status(core::Code::kNotFound,
                                   target.empty() ? "Missing X-Amz-Target header; kmslab serves POST / with X-Amz-Target "
                                                    "TrentService.<Operation>, or STS form posts."
                                                  : "Unknown operation " + std::string(target) + ".",
                                   "UnknownOperationException"));
  }

  SignableRequest signable{request.method, request.path, request.query, request.headers, request.body};
  auto who = authenticator_->Authenticate(
      signable, [&](const std::string& name) { return std::string(request.Header(name)); },
      is_kms ? "kms" : is_ddb ? "dynamodb" : "sts");
  if (is_sts) {
    response.content_type = "text/xml";
    StsReply reply = who.ok() ? sts_->Handle(ParseForm(request.body), *who->identity, response.request_id)
                              : StsEndpoint::Error(who.status(), response.request_id);
    response.status = reply.status;
    response.body = std::move(reply.body);
    return response;
  }
  if (!who.ok()) return json_error(who.status());

  kms::CallContext call;
  call.caller = who->identity;
  call.access_key_id = who->access_key_id;
  call.region = who->region;
  call.request_id = response.request_id;
  call.source_ip = std::string(request.remote_addr);
  call.user_agent = core::ScrubUtf8(request.Header("User-Agent"));
  if (is_ddb) {
    ddb::Reply reply = is_streams ? ddb_->Handle(target.substr(kDynamoDbStreamsPrefix.size()), request.body, call,
                                                 ddb::Api::kStreams)
                                  : ddb_->Handle(target.substr(kDynamoDbPrefix.size()), request.body, call);
    if (!reply.status.ok()) return json_error(reply.status);
    response.body = std::move(reply.body);
    response.crc32 = core::Crc32(response.body);
    return response;
  }
  kms::Reply reply = kms_->Handle(target.substr(kKmsPrefix.size()), request.body, call);
  if (!reply.status.ok()) return json_error(reply.status);
  response.body = std::move(reply.body);
  return response;
}

}  // namespace kmslab::http
