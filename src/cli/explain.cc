#include "cli/explain.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <iostream>

#include "core/text_file.h"
#include "core/arn.h"
#include "core/clock.h"
#include "core/json_text.h"
#include "core/strings.h"
#include "iam/directory.h"
#include "kms/denial_log.h"
#include "kms/policy_authorizer.h"

namespace kmslab::cli {

namespace {
using Json = rapidjson::Value;

int Fail(const std::string& message) {
  std::cerr << "kmslab explain: " << message << "\n";
  return 1;
}

std::string ToText(const Json& v) {
  if (v.IsString()) return v.GetString();
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  v.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

// A principal named by ARN but absent from the fixtures: no identity policies.
iam::IdentityPtr FromArn(const std::string& text) {
  auto arn = core::ParseArn(text);
  if (!arn || !core::IsAccountId(arn->account)) return nullptr;
  if (arn->resource == "root") return iam::RootIdentity(arn->account);
  auto id = std::make_shared<iam::Identity>();
  id->arn = text;
  id->account = arn->account;
  if (arn->service == "iam" && arn->resource.starts_with("user/")) {
    id->type = "IAMUser";
    id->name = arn->resource.substr(arn->resource.rfind('/') + 1);
    id->user_id = iam::UniqueId("AIDA", text);
  } else if (arn->service == "sts" && arn->resource.starts_with("assumed-role/")) {
    auto parts = core::Split(arn->resource, '/');
    if (parts.size() != 3) return nullptr;
    id->type = "AssumedRole";
    id->name = parts[1];
    id->session_name = parts[2];
    id->role_arn = "arn:aws:iam::" + arn->account + ":role/" + parts[1];
    id->user_id = iam::UniqueId("AROA", id->role_arn) + ":" + parts[2];
  } else {
    return nullptr;
  }
  return id;
}

core::StatusOr<std::shared_ptr<const policy::Policy>> ParseDoc(const Json& v, policy::PolicyKind kind,
                                                               const std::string& what) {
  auto parsed = policy::ParsePolicy(ToText(v), kind);
  if (!parsed.ok()) return core::InvalidArgument(what + " does not parse:\n" + parsed.status().message());
  return parsed;
}

std::map<std::string, std::string> StringMapOf(const Json& v) {
  std::map<std::string, std::string> out;
  if (v.IsObject())
    for (const auto& m : v.GetObject())
      if (m.value.IsString()) out[m.name.GetString()] = m.value.GetString();
  return out;
}

policy::Grant GrantOf(const Json& g) {
  auto str = [&](const char* k) { return g.HasMember(k) && g[k].IsString() ? std::string(g[k].GetString()) : ""; };
  policy::Grant grant{str("GrantId"), str("Name"), str("GranteePrincipal"), str("RetiringPrincipal"),
                      str("IssuingAccount"), {}, {}, {}};
  if (g.HasMember("Operations") && g["Operations"].IsArray())
    for (const auto& op : g["Operations"].GetArray())
      if (op.IsString()) grant.operations.push_back(op.GetString());
  if (g.HasMember("Constraints") && g["Constraints"].IsObject()) {
    const Json& c = g["Constraints"];
    if (c.HasMember("EncryptionContextSubset")) grant.context_subset = StringMapOf(c["EncryptionContextSubset"]);
    if (c.HasMember("EncryptionContextEquals")) grant.context_equals = StringMapOf(c["EncryptionContextEquals"]);
  }
  return grant;
}

int PrintDenial(const std::string& data_dir, const std::string& request_id) {
  auto denial = kms::DenialLog::Find(data_dir + "/denials.jsonl", request_id);
  if (!denial) return Fail("no denial with request id " + request_id + " in " + data_dir + "/denials.jsonl");
  std::cout << "request " << denial->request_id << " at " << denial->time << "\n"
            << "AccessDeniedException: " << denial->message << "\n\n"
            << denial->explanation;
  return 0;
}
}  // namespace

int Explain(const ExplainOptions& options) {
  if (options.request_id) return PrintDenial(options.data_dir, *options.request_id);

  const std::string& file = options.file;
  core::StatusOr<std::string> read = file == "-" ? core::ReadStream(std::cin) : core::ReadTextFile(file);
  if (!read.ok()) return Fail(read.status().message());
  const std::string input = std::move(read).value();
  if (core::Status checked = core::CheckJsonText(input); !checked.ok()) return Fail(checked.message());
  rapidjson::Document doc;
  doc.Parse(input.data(), input.size());
  if (doc.HasParseError() || !doc.IsObject()) return Fail("the input must be a JSON object");
  for (const char* required : {"principal", "action", "resource"}) {
    if (!doc.HasMember(required) || !doc[required].IsString()) return Fail(std::string("missing \"") + required + "\"");
  }

  auto directory = iam::Directory::Load(options.fixtures_dir);
  if (!directory.ok()) return Fail(directory.status().message());
  const std::string principal = doc["principal"].GetString();
  iam::IdentityPtr caller = (*directory)->FindPrincipal(principal);
  if (!caller) caller = FromArn(principal);
  if (!caller) return Fail("unknown principal " + principal + " (a fixture name or an IAM/STS ARN)");
  if (doc.HasMember("identityPolicies")) {
    auto with_policies = std::make_shared<iam::Identity>(*caller);
    with_policies->policies.clear();
    int index = 0;
    for (const auto& p : doc["identityPolicies"].GetArray()) {
      std::string name = "identity-policy-" + std::to_string(index++);
      auto parsed = ParseDoc(p, policy::PolicyKind::kIdentityPolicy, name);
      if (!parsed.ok()) return Fail(parsed.status().message());
      with_policies->policies.push_back({name, *parsed});
    }
    caller = with_policies;
  }

  // The key the request names, with AWS's defaults for a symmetric key.
  const std::string resource = doc["resource"].GetString();
  auto key = std::make_shared<kms::Key>();
  std::optional<policy::NamedPolicy> key_policy;
  if (doc.HasMember("keyPolicy")) {
    auto parsed = ParseDoc(doc["keyPolicy"], policy::PolicyKind::kKeyPolicy, "keyPolicy");
    if (!parsed.ok()) return Fail(parsed.status().message());
    key->policy = *parsed;
    key_policy = policy::NamedPolicy{"key-policy", *parsed};
    key->meta = {.key_id = resource.substr(resource.rfind('/') + 1), .arn = resource,
                 .account = core::ParseArn(resource).value_or(core::Arn{}).account, .key_usage = "ENCRYPT_DECRYPT",
                 .key_spec = "SYMMETRIC_DEFAULT", .origin = "AWS_KMS"};
  }
  kms::CallContext call;
  call.caller = caller;
  call.region = core::ParseArn(resource).value_or(core::Arn{}).region;
  kms::AuthzCheck check{doc["action"].GetString(), resource, key_policy ? key : nullptr, kms::KeyUse::kAnyState, ""};
  // Or a resource-based policy (a DynamoDB table's), decided under IAM's rule.
  if (!key_policy && doc.HasMember("resourcePolicy")) {
    auto parsed = ParseDoc(doc["resourcePolicy"], policy::PolicyKind::kResourcePolicy, "resourcePolicy");
    if (!parsed.ok()) return Fail(parsed.status().message());
    key_policy = policy::NamedPolicy{"resource-policy", *parsed};
    check.resource_account = core::ParseArn(resource).value_or(core::Arn{}).account;
    check.resource_policy = *parsed;
  }

  core::ServerClock clock;
  kms::PolicyAuthorizer authorizer(&clock, nullptr, nullptr);
  policy::EvalRequest request = authorizer.BuildRequest(call, check, key_policy ? &*key_policy : nullptr);
  // What the input says wins over what the request would carry.
  if (doc.HasMember("context") && doc["context"].IsObject()) {
    for (const auto& m : doc["context"].GetObject()) {
      std::string name = m.name.GetString();
      if (m.value.IsArray()) {
        std::vector<std::string> values;
        for (const auto& v : m.value.GetArray()) values.push_back(ToText(v));
        request.context.SetList(name, values);
      } else {
        request.context.Set(name, ToText(m.value));
      }
      if (name.size() > 22 && core::EqualsIgnoreCase(name.substr(0, 22), "kms:EncryptionContext:")) {
        request.encryption_context[name.substr(22)] = ToText(m.value);
      }
    }
  }
  if (doc.HasMember("grants"))
    for (const auto& g : doc["grants"].GetArray()) request.grants.push_back(GrantOf(g));
  request.want_trace = true;
  policy::Decision decision = policy::Authorize(request);
  const std::string message = policy::AccessDeniedMessage(request, decision);

  if (options.json) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    w.Key("decision");
    w.String(std::string(policy::EffectName(decision.effect)).c_str());
    w.Key("determining");
    w.StartArray();
    for (const auto& d : decision.determining) {
      w.StartObject();
      w.Key("source");
      w.String(d.source.c_str());
      w.Key("index");
      w.Int(d.index);
      w.Key("sid");
      w.String(d.sid.c_str());
      if (!d.grant_id.empty()) {
        w.Key("grantId");
        w.String(d.grant_id.c_str());
      }
      w.EndObject();
    }
    w.EndArray();
    w.Key("message");
    w.String(message.c_str());
    w.Key("trace");
    w.StartArray();
    for (const auto& t : decision.trace) {
      w.StartObject();
      w.Key("source");
      w.String(t.source.c_str());
      w.Key("index");
      w.Int(t.index);
      w.Key("sid");
      w.String(t.sid.c_str());
      w.Key("element");
      w.String(t.element.c_str());
      w.Key("matched");
      w.Bool(t.matched);
      w.Key("detail");
      w.String(t.detail.c_str());
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    std::cout << buffer.GetString() << "\n";
  } else {
    if (!message.empty()) std::cout << "AccessDeniedException: " << message << "\n\n";
    std::cout << policy::Explain(request, decision);
  }
  return decision.allowed() ? 0 : 3;
}

}  // namespace kmslab::cli
