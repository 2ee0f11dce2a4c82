#include "audit/event.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <set>
#include <string_view>

#include "core/strings.h"

namespace kmslab::audit {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// Members never logged: secrets and bulk bytes.
const std::set<std::string_view> kNeverLogged = {"Plaintext", "CiphertextBlob", "GrantTokens", "GrantToken",
                                                 "CiphertextForRecipient", "Recipient"};

bool IsReadOnly(std::string_view name) {
  return name == "Encrypt" || name == "Decrypt" || name == "ReEncrypt" || name.starts_with("GenerateDataKey") ||
         name == "GenerateRandom" || name.starts_with("Describe") || name.starts_with("Get") ||
         name.starts_with("List");
}


void Key(Writer& w, std::string_view key) { w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size())); }
void Str(Writer& w, std::string_view value) {
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

// Copies `v` with member names in lowerCamel (AWS's request names as
// CloudTrail spells them), leaving encryption-context maps' own keys alone.
void WriteCamel(Writer& w, const rapidjson::Value& v, bool user_keys) {
  if (v.IsObject()) {
    w.StartObject();
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      const std::string_view name(it->name.GetString(), it->name.GetStringLength());
      if (!user_keys && kNeverLogged.count(name)) continue;
      const bool context = name.find("EncryptionContext") != std::string_view::npos;
      if (user_keys || name.empty() || name[0] < 'A' || name[0] > 'Z') {
        Key(w, name);
      } else {
        std::string camel(name);  // API member names fit the small-string buffer: no allocation
        camel[0] = static_cast<char>(camel[0] - 'A' + 'a');
        Key(w, camel);
      }
      WriteCamel(w, it->value, context);
    }
    w.EndObject();
  } else if (v.IsArray()) {
    w.StartArray();
    for (const auto& e : v.GetArray()) WriteCamel(w, e, false);
    w.EndArray();
  } else {
    v.Accept(w);
  }
}

// `json` with lowerCamel names, or null when empty or not an object.
void WriteParameters(Writer& w, const std::string& json) {
  rapidjson::Document doc;
  if (!json.empty()) doc.Parse(json.data(), json.size());
  if (json.empty() || doc.HasParseError() || !doc.IsObject()) {
    w.Null();
    return;
  }
  WriteCamel(w, doc, false);
}

void WriteUserIdentity(Writer& w, const Actor& e) {
  w.StartObject();
  Key(w, "type");
  Str(w, e.identity_type);
  if (e.identity_type != "AWSService") {
    Key(w, "principalId");
    Str(w, e.principal_id);
    Key(w, "arn");
    Str(w, e.arn);
    Key(w, "accountId");
    Str(w, e.account);
    if (!e.access_key_id.empty()) {
      Key(w, "accessKeyId");
      Str(w, e.access_key_id);
    }
    if (e.identity_type == "IAMUser") {
      Key(w, "userName");
      Str(w, e.user_name);
    }
    if (e.identity_type == "AssumedRole") {
      Key(w, "sessionContext");
      w.StartObject();
      Key(w, "sessionIssuer");
      w.StartObject();
      Key(w, "type");
      Str(w, "Role");
      Key(w, "principalId");
      Str(w, e.principal_id.substr(0, e.principal_id.find(':')));
      Key(w, "arn");
      Str(w, e.role_arn);
      Key(w, "accountId");
      Str(w, e.account);
      Key(w, "userName");
      Str(w, e.role_name);
      w.EndObject();
      Key(w, "attributes");
      w.StartObject();
      Key(w, "mfaAuthenticated");
      Str(w, "false");
      w.EndObject();
      w.EndObject();
    }
  }
  if (!e.invoked_by.empty()) {
    Key(w, "invokedBy");
    Str(w, e.invoked_by);
  }
  w.EndObject();
}

}  // namespace

bool LogsResponse(std::string_view name) { return !IsReadOnly(name); }

std::string ParametersJson(const rapidjson::Value& request) {
  if (!request.IsObject()) return "";
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  WriteCamel(w, request, false);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string EventJson(const EventInput& e) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  Key(w, "eventVersion");
  Str(w, "1.08");
  Key(w, "userIdentity");
  WriteUserIdentity(w, *e.actor);
  Key(w, "eventTime");
  Str(w, core::FormatIso8601(e.time_ms));
  Key(w, "eventSource");
  Str(w, "kms.amazonaws.com");
  Key(w, "eventName");
  Str(w, e.event_name);
  Key(w, "awsRegion");
  Str(w, e.region);
  Key(w, "sourceIPAddress");
  Str(w, e.actor->source_ip);
  Key(w, "userAgent");
  Str(w, e.actor->user_agent);
  if (!e.error_code.empty()) {
    Key(w, "errorCode");
    // CloudTrail drops the suffix for access denials.
    Str(w, e.error_code == "AccessDeniedException" ? "AccessDenied" : e.error_code);
    if (!e.error_message.empty()) {
      Key(w, "errorMessage");
      Str(w, e.error_message);
    }
  }
  Key(w, "requestParameters");
  if (e.event_name == "RetireGrant" || e.request_parameters.empty()) {
    w.Null();
  } else {
    w.RawValue(e.request_parameters.data(), e.request_parameters.size(), rapidjson::kObjectType);
  }
  Key(w, "responseElements");
  if (!LogsResponse(e.event_name)) {
    w.Null();
  } else {
    WriteParameters(w, e.response_body);
  }
  if (e.event_name == "RetireGrant") {
    Key(w, "additionalEventData");
    rapidjson::Document doc;
    doc.Parse(e.request_parameters.data(), e.request_parameters.size());
    w.StartObject();
    Key(w, "grantId");
    if (!doc.HasParseError() && doc.IsObject() && doc.HasMember("grantId") && doc["grantId"].IsString()) {
      Str(w, doc["grantId"].GetString());
    } else {
      w.Null();
    }
    w.EndObject();
  }
  Key(w, "requestID");
  Str(w, e.request_id);
  Key(w, "eventID");
  Str(w, e.event_id);
  Key(w, "readOnly");
  w.Bool(IsReadOnly(e.event_name));
  Key(w, "resources");
  w.StartArray();
  for (const auto& [account, arn] : e.resources) {
    w.StartObject();
    Key(w, "accountId");
    Str(w, account);
    Key(w, "type");
    Str(w, "AWS::KMS::Key");
    Key(w, "ARN");
    Str(w, arn);
    w.EndObject();
  }
  w.EndArray();
  Key(w, "eventType");
  Str(w, "AwsApiCall");
  Key(w, "managementEvent");
  w.Bool(true);
  Key(w, "recipientAccountId");
  Str(w, e.recipient_account);
  Key(w, "eventCategory");
  Str(w, "Management");
  Key(w, "kmslabDecision");
  w.StartObject();
  Key(w, "effect");
  Str(w, DecisionOf(e));
  Key(w, "determining");
  w.StartArray();
  for (const auto& [action, d] : e.determining) {
    std::string name = action + ": ";
    if (!d.grant_id.empty()) {
      name += "grant " + d.grant_id + (d.sid.empty() ? "" : " (" + d.sid + ")");
    } else {
      name += d.source + " statement " + std::to_string(d.index) + (d.sid.empty() ? "" : " \"" + d.sid + "\"");
    }
    Str(w, name);
  }
  w.EndArray();
  if (!e.explanation.empty()) {
    Key(w, "explanation");
    Str(w, e.explanation);
  }
  w.EndObject();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace kmslab::audit
