#include "http/sts_wire.h"

#include "core/json_text.h"
#include "core/strings.h"
#include "iam/sts.h"

namespace kmslab::http {

namespace {
constexpr char kNamespace[] = "https://sts.amazonaws.com/doc/2011-06-15/";

// `text` as XML character data: markup escaped, bytes that are not UTF-8
// replaced, and control characters XML 1.0 cannot carry dropped.
std::string Xml(std::string_view raw) {
  const std::string text = core::ScrubUtf8(raw);
  std::string out;
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') continue;
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string Element(const std::string& name, std::string_view value) {
  return "<" + name + ">" + Xml(value) + "</" + name + ">";
}

std::string Wrap(const std::string& action, const std::string& result, const std::string& request_id) {
  return "<" + action + "Response xmlns=\"" + kNamespace + "\"><" + action + "Result>" + result + "</" + action +
         "Result><ResponseMetadata>" + Element("RequestId", request_id) + "</ResponseMetadata></" + action +
         "Response>";
}
}  // namespace

std::map<std::string, std::string> ParseForm(std::string_view body) {
  auto decode = [](std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      std::string byte;
      if (s[i] == '+') {
        out.push_back(' ');
      } else if (s[i] == '%' && i + 2 < s.size() && core::HexDecode(s.substr(i + 1, 2), &byte)) {
        out += byte;
        i += 2;
      } else {
        out.push_back(s[i]);
      }
    }
    return out;
  };
  std::map<std::string, std::string> form;
  for (const std::string& pair : core::Split(body, '&')) {
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    form[decode(std::string_view(pair).substr(0, eq))] =
        eq == std::string::npos ? "" : decode(std::string_view(pair).substr(eq + 1));
  }
  return form;
}

StsReply StsEndpoint::Error(const core::Status& status, const std::string& request_id) {
  // STS names authentication failures differently from JSON services.
  static const std::map<std::string, std::string> kStsCodes = {
      {"UnrecognizedClientException", "InvalidClientTokenId"},
      {"InvalidSignatureException", "SignatureDoesNotMatch"},
      {"MissingAuthenticationTokenException", "MissingAuthenticationToken"},
  };
  std::string code = status.aws_type().empty() ? "InternalFailure" : status.aws_type();
  if (auto it = kStsCodes.find(code); it != kStsCodes.end()) code = it->second;
  int http = code == "ValidationError" || code == "MalformedInput" || code == "InvalidAction" ? 400
             : code == "InternalFailure"                                                       ? 500
                                                                                               : 403;
  return {http, std::string("<ErrorResponse xmlns=\"") + kNamespace + "\"><Error><Type>" +
                    (http >= 500 ? "Receiver" : "Sender") + "</Type>" + Element("Code", code) +
                    Element("Message", status.message()) + "</Error>" + Element("RequestId", request_id) +
                    "</ErrorResponse>"};
}

StsReply StsEndpoint::Handle(const std::map<std::string, std::string>& form, const iam::Identity& caller,
                             const std::string& request_id) const {
  auto get = [&](const char* name) {
    auto it = form.find(name);
    return it == form.end() ? std::string() : it->second;
  };
  const std::string action = get("Action");
  if (action == "GetCallerIdentity") {
    return {200, Wrap(action,
                      Element("Arn", caller.arn) + Element("UserId", caller.user_id) +
                          Element("Account", caller.account),
                      request_id)};
  }
  if (action == "AssumeRole") {
    iam::AssumeRoleRequest request{get("RoleArn"), get("RoleSessionName"), 3600};
    if (request.role_arn.empty() || request.session_name.empty()) {
      return Error(core::Status(core::Code::kInvalidArgument,
                                "RoleArn and RoleSessionName are required.", "ValidationError"),
                   request_id);
    }
    if (std::string d = get("DurationSeconds"); !d.empty()) {
      try {
        request.duration_seconds = std::stoll(d);
      } catch (const std::exception&) {
        request.duration_seconds = -1;
      }
    }
    auto cred = iam::AssumeRole(*directory_, caller, request, clock_->NowMillis());
    if (!cred.ok()) return Error(cred.status(), request_id);
    const iam::Identity& session = *cred->identity;
    std::string result = "<Credentials>" + Element("AccessKeyId", cred->access_key_id) +
                         Element("SecretAccessKey", cred->secret) + Element("SessionToken", cred->session_token) +
                         Element("Expiration", core::FormatIso8601(cred->expires_ms)) +
                         "</Credentials><AssumedRoleUser>" + Element("AssumedRoleId", session.user_id) +
                         Element("Arn", session.arn) + "</AssumedRoleUser>";
    return {200, Wrap(action, result, request_id)};
  }
  return Error(core::Status(core::Code::kInvalidArgument, "Could not find operation " + action + " for version " +
                                                               get("Version") + ".",
                            "InvalidAction"),
               request_id);
}

}  // namespace kmslab::http
