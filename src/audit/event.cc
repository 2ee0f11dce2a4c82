#include "audit/event.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <algorithm>
#include <array>
#include <string_view>

#include "core/json_text.h"
#include "core/strings.h"

namespace kmslab::audit {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// Members never logged: secrets and bulk bytes. A constant array, not a
// set: the trail's writer thread may render while exit handlers run, and
// this must not be destroyed under it.
// Message, Signature and Mac: CloudTrail logs none of them for Sign, Verify,
// GenerateMac or VerifyMac. PublicKey: DeriveSharedSecret's peer key, which
// its event does not name. The data key pair and shared secret members are
// response members, listed so that no path ever writes them. ImportToken and
// EncryptedKeyMaterial: none for ImportKeyMaterial.
constexpr std::array<std::string_view, 15> kNeverLogged = {
    "Plaintext", "CiphertextBlob", "GrantTokens", "GrantToken", "CiphertextForRecipient", "Recipient", "Message",
    "Signature", "Mac", "PublicKey", "PrivateKeyPlaintext", "PrivateKeyCiphertextBlob", "SharedSecret",
    "ImportToken", "EncryptedKeyMaterial"};

bool IsNeverLogged(std::string_view name) {
  return std::find(kNeverLogged.begin(), kNeverLogged.end(), name) != kNeverLogged.end();
}

bool IsReadOnly(std::string_view name) {
  return name == "Encrypt" || name == "Decrypt" || name == "ReEncrypt" || name.starts_with("GenerateDataKey") ||
         name == "GenerateRandom" || name == "Sign" || name == "Verify" || name == "GenerateMac" ||
         name == "VerifyMac" || name == "DeriveSharedSecret" || name.starts_with("Describe") || name.starts_with("Get") ||
         name.starts_with("List") || name == "Query" || name == "Scan" || name == "BatchGetItem" ||
         name == "TransactGetItems";
}


void Key(Writer& w, std::string_view key) { w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size())); }
void Str(Writer& w, std::string_view value) {
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

// Copies `v` with member names in lowerCamel (AWS's request names as
// CloudTrail spells them), leaving encryption-context maps' own keys alone.
// Request bodies never nest deeper than core::kMaxJsonDepth (the services
// refuse them); anything deeper is written as null, so rendering stays bounded.
void WriteCamel(Writer& w, const rapidjson::Value& v, bool user_keys, int depth = 1) {
  if ((v.IsObject() || v.IsArray()) && depth > core::kMaxJsonDepth) {
    w.Null();
  } else if (v.IsObject()) {
    w.StartObject();
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      const std::string_view name(it->name.GetString(), it->name.GetStringLength());
      if (!user_keys && IsNeverLogged(name)) continue;
      const bool context = name.find("EncryptionContext") != std::string_view::npos;
      if (user_keys || name.empty() || name[0] < 'A' || name[0] > 'Z') {
        Key(w, name);
      } else {
        std::string camel(name);  // API member names fit the small-string buffer: no allocation
        camel[0] = static_cast<char>(camel[0] - 'A' + 'a');
        Key(w, camel);
      }
      WriteCamel(w, it->value, context, depth + 1);
    }
    w.EndObject();
  } else if (v.IsArray()) {
    w.StartArray();
    for (const auto& e : v.GetArray()) WriteCamel(w, e, false, depth + 1);
    w.EndArray();
  } else if (v.IsDouble() && !std::isfinite(v.GetDouble())) {
    w.Null();  // a number past double's range parses as infinity, which JSON cannot spell
  } else {
    v.Accept(w);
  }
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

std::shared_ptr<const Actor> ShareActor(Actor actor) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  WriteUserIdentity(w, actor);
  actor.identity_json.assign(buffer.GetString(), buffer.GetSize());
  return std::make_shared<const Actor>(std::move(actor));
}

std::shared_ptr<const Actor> InternalActor(const std::string& account) {
  Actor actor;
  actor.account = account;
  actor.invoked_by = actor.source_ip = actor.user_agent = "AWS Internal";
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  Key(w, "accountId");
  Str(w, account);
  Key(w, "invokedBy");
  Str(w, actor.invoked_by);
  w.EndObject();
  actor.identity_json.assign(buffer.GetString(), buffer.GetSize());
  return std::make_shared<const Actor>(std::move(actor));
}

bool LogsResponse(std::string_view name) {
  return !IsReadOnly(name) && name != "ImportKeyMaterial" && name != "DeleteImportedKeyMaterial";
}

std::string ParametersJson(const rapidjson::Value& request) {
  if (!request.IsObject()) return "";
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  WriteCamel(w, request, false);
  return std::string(buffer.GetString(), buffer.GetSize());
}

namespace {

// The event is written by hand rather than through rapidjson's Writer: it is
// rendered for every call, and its shape is fixed.

bool NeedsEscape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

// How many leading bytes of `s` need no escaping; eight at a time while it can.
size_t CleanPrefix(std::string_view s) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;
  auto has_zero_byte = [&](uint64_t x) { return (x - kOnes) & ~x & kHighs; };
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    // Any byte below 0x20 (exact for bounds up to 0x80), a quote or a backslash.
    if (((w - kOnes * 0x20) & ~w & kHighs) | has_zero_byte(w ^ (kOnes * '"')) | has_zero_byte(w ^ (kOnes * '\\'))) {
      break;
    }
  }
  while (i < s.size() && !NeedsEscape(static_cast<unsigned char>(s[i]))) ++i;
  return i;
}

// Appends `s` as a JSON string, escaped as rapidjson's Writer does (quote,
// backslash and control characters; other bytes as they are).
void AppendString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  while (true) {
    const size_t clean = CleanPrefix(s);
    out.append(s.data(), clean);
    if (clean == s.size()) break;
    const auto c = static_cast<unsigned char>(s[clean]);
    s.remove_prefix(clean + 1);
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      default:
        out.append("\\u00");
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0x0f]);
    }
  }
  out.push_back('"');
}

// Appends `,"key":` then `value` as a JSON string.
void AppendMember(std::string& out, std::string_view key, std::string_view value) {
  out.append(",\"").append(key).append("\":");
  AppendString(out, value);
}

// `json` (a request or response) with lowerCamel names, or null when empty or
// not an object.
void AppendParameters(std::string& out, const std::string& json) {
  rapidjson::Document doc;
  if (!json.empty()) doc.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());
  if (json.empty() || doc.HasParseError() || !doc.IsObject()) {
    out.append("null");
    return;
  }
  out.append(ParametersJson(doc));
}

// RetireGrant's additionalEventData: the grant id from its parameters.
void AppendRetiredGrant(std::string& out, const std::string& parameters) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(parameters.data(), parameters.size());
  out.append(",\"additionalEventData\":{\"grantId\":");
  if (!doc.HasParseError() && doc.IsObject() && doc.HasMember("grantId") && doc["grantId"].IsString()) {
    AppendString(out, {doc["grantId"].GetString(), doc["grantId"].GetStringLength()});
  } else {
    out.append("null");
  }
  out.append("}");
}

}  // namespace

void AppendEventJson(const EventInput& e, std::string& out) {
  out.append("{\"eventVersion\":\"1.08\",\"userIdentity\":").append(e.actor->identity_json);
  AppendMember(out, "eventTime", core::FormatIso8601(e.time_ms));
  const bool ddb = e.source == EventSource::kDynamoDb;
  out.append(ddb ? ",\"eventSource\":\"dynamodb.amazonaws.com\"" : ",\"eventSource\":\"kms.amazonaws.com\"");
  AppendMember(out, "eventName", e.event_name);
  AppendMember(out, "awsRegion", e.region);
  AppendMember(out, "sourceIPAddress", e.actor->source_ip);
  AppendMember(out, "userAgent", e.actor->user_agent);
  if (!e.error_code.empty()) {
    // CloudTrail drops the suffix for access denials.
    AppendMember(out, "errorCode", e.error_code == "AccessDeniedException" ? "AccessDenied" : e.error_code);
    if (!e.error_message.empty()) AppendMember(out, "errorMessage", e.error_message);
  }
  out.append(",\"requestParameters\":");
  if (e.event_name == "RetireGrant" || e.request_parameters.empty()) {
    out.append("null");
  } else {
    out.append(e.request_parameters);  // ParametersJson's output: a JSON object
  }
  out.append(",\"responseElements\":");
  if (LogsResponse(e.event_name) && !e.data_event) {
    AppendParameters(out, e.response_body);
  } else {
    out.append("null");
  }
  if (e.event_name == "RetireGrant") AppendRetiredGrant(out, e.request_parameters);
  if (!e.service_event) AppendMember(out, "requestID", e.request_id);
  AppendMember(out, "eventID", e.event_id);
  out.append(IsReadOnly(e.event_name) ? ",\"readOnly\":true" : ",\"readOnly\":false");
  out.append(",\"resources\":[");
  for (size_t i = 0; i < e.resources.size(); ++i) {
    out.append(i ? ",{" : "{").append("\"accountId\":");
    AppendString(out, e.resources[i].first);
    // AWS's GenerateMac and VerifyMac events name no resource type.
    if (ddb) {
      out.append(",\"type\":\"AWS::DynamoDB::Table\"");
    } else if (e.event_name != "GenerateMac" && e.event_name != "VerifyMac") {
      out.append(",\"type\":\"AWS::KMS::Key\"");
    }
    AppendMember(out, "ARN", e.resources[i].second);
    out.append("}");
  }
  out.append(e.service_event ? "],\"eventType\":\"AwsServiceEvent\"" : "],\"eventType\":\"AwsApiCall\"");
  if (ddb) out.append(",\"apiVersion\":\"2012-08-10\"");
  out.append(e.data_event ? ",\"managementEvent\":false" : ",\"managementEvent\":true");
  AppendMember(out, "recipientAccountId", e.recipient_account);
  if (!e.service_event_details.empty()) {
    out.append(",\"serviceEventDetails\":{");
    for (size_t i = 0; i < e.service_event_details.size(); ++i) {
      if (i) out.push_back(',');
      AppendString(out, e.service_event_details[i].first);
      out.push_back(':');
      AppendString(out, e.service_event_details[i].second);
    }
    out.push_back('}');
  }
  out.append(e.data_event ? ",\"eventCategory\":\"Data\"" : ",\"eventCategory\":\"Management\"");
  out.append(",\"kmslabDecision\":{\"effect\":");
  AppendString(out, DecisionOf(e));
  out.append(",\"determining\":[");
  std::string name;
  for (size_t i = 0; i < e.determining.size(); ++i) {
    const auto& [action, d] = e.determining[i];
    name.assign(action).append(": ");
    if (!d.grant_id.empty()) {
      name.append("grant ").append(d.grant_id);
      if (!d.sid.empty()) name.append(" (").append(d.sid).append(")");
    } else {
      name.append(d.source).append(" statement ").append(std::to_string(d.index));
      if (!d.sid.empty()) name.append(" \"").append(d.sid).append("\"");
    }
    if (i) out.push_back(',');
    AppendString(out, name);
  }
  out.append("]");
  if (!e.explanation.empty()) AppendMember(out, "explanation", e.explanation);
  out.append("}}");
}

}  // namespace kmslab::audit
