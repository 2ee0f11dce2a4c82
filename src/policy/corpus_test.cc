// Runs the policy corpus (tests/corpus/policy/*.json, directory from
// KMSLAB_POLICY_CORPUS_DIR). Each file holds named policies, optional
// invalid policies with the problems ParsePolicy must report, and requests
// with the expected decision, reason, determining statements or grant, AWS
// message and diagnostics. The format is described in the directory's README.md.
#include <doctest/doctest.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/strings.h"
#include "policy/policy.h"

namespace kmslab::policy {
namespace {

using Json = rapidjson::Value;

std::string Text(const Json& v) {
  if (v.IsString()) return std::string(v.GetString(), v.GetStringLength());
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  v.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string Str(const Json& object, const char* name, std::string fallback = "") {
  if (!object.IsObject() || !object.HasMember(name) || !object[name].IsString()) return fallback;
  return object[name].GetString();
}

std::vector<std::string> Strings(const Json& v) {
  std::vector<std::string> out;
  if (v.IsString()) out.push_back(v.GetString());
  if (v.IsArray())
    for (const auto& item : v.GetArray()) out.push_back(Text(item));
  return out;
}

std::map<std::string, std::string> StringMap(const Json& v) {
  std::map<std::string, std::string> out;
  if (v.IsObject())
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) out[it->name.GetString()] = Text(it->value);
  return out;
}

Principal PrincipalOf(const Json& v) {
  if (v.IsString()) return PrincipalFromArn(v.GetString());
  Principal p = PrincipalFromArn(Str(v, "arn", Str(v, "service")));
  if (v.HasMember("account")) p.account = Str(v, "account");
  if (v.HasMember("type")) p.type = Str(v, "type");
  if (v.HasMember("role_arn")) p.role_arn = Str(v, "role_arn");
  if (v.HasMember("service")) p.service = Str(v, "service");
  return p;
}

Grant GrantOf(const Json& g) {
  Grant grant;
  grant.grant_id = Str(g, "grant_id");
  grant.name = Str(g, "name");
  grant.grantee_principal = Str(g, "grantee_principal");
  grant.retiring_principal = Str(g, "retiring_principal");
  grant.issuing_account = Str(g, "issuing_account");
  if (g.HasMember("operations")) grant.operations = Strings(g["operations"]);
  if (g.HasMember("constraints")) {
    const Json& c = g["constraints"];
    if (c.HasMember("encryption_context_subset")) grant.context_subset = StringMap(c["encryption_context_subset"]);
    if (c.HasMember("encryption_context_equals")) grant.context_equals = StringMap(c["encryption_context_equals"]);
  }
  return grant;
}

// A request member, falling back to the file's "defaults".
const Json* Member(const Json& request, const Json* defaults, const char* name) {
  if (request.HasMember(name)) return &request[name];
  if (defaults != nullptr && defaults->HasMember(name)) return &(*defaults)[name];
  return nullptr;
}

struct Counts {
  int files = 0, requests = 0, invalid = 0;
};

void RunInvalid(const Json& item, const std::string& file) {
  const std::string name = Str(item, "name");
  INFO(file << ": invalid policy \"" << name << "\"");
  const PolicyKind kind = Str(item, "kind", "key") == "identity" ? PolicyKind::kIdentityPolicy : PolicyKind::kKeyPolicy;
  const std::string text = item.HasMember("text") ? Str(item, "text") : Text(item["document"]);
  auto parsed = ParsePolicy(text, kind);
  REQUIRE_FALSE(parsed.ok());
  const std::string& message = parsed.status().message();
  INFO("message: " << message);
  for (const std::string& part : Strings(item["errors"])) {
    INFO("expected problem: " << part);
    CHECK(message.find(part) != std::string::npos);
  }
  if (item.HasMember("line_count")) CHECK(core::Split(message, '\n').size() == item["line_count"].GetUint());
  if (item.HasMember("starts_with")) CHECK(message.rfind(Str(item, "starts_with"), 0) == 0);
}

std::string DeterminingText(const std::vector<Determining>& list) {
  std::vector<std::string> parts;
  for (const Determining& d : list) {
    parts.push_back(d.grant_id.empty() ? d.source + "[" + std::to_string(d.index) + "] \"" + d.sid + "\""
                                       : "grant " + d.grant_id);
  }
  return "[" + core::Join(parts, ", ") + "]";
}

bool SameDetermining(const Json& want, const Determining& have) {
  if (want.HasMember("grant_id")) return have.grant_id == Str(want, "grant_id");
  if (!have.grant_id.empty()) return false;
  if (Str(want, "source") != have.source) return false;
  if (want.HasMember("sid") && Str(want, "sid") != have.sid) return false;
  if (want.HasMember("index") && want["index"].GetInt() != have.index) return false;
  return true;
}

void RunRequest(const Json& req, const Json* defaults, const std::map<std::string, NamedPolicy>& policies,
                const std::string& file) {
  const std::string name = Str(req, "name");
  INFO(file << ": request \"" << name << "\"");
  EvalRequest r;
  const Json* v;
  REQUIRE((v = Member(req, defaults, "principal")) != nullptr);
  r.principal = PrincipalOf(*v);
  REQUIRE((v = Member(req, defaults, "action")) != nullptr);
  r.action = v->GetString();
  REQUIRE((v = Member(req, defaults, "resource")) != nullptr);
  r.resource = v->GetString();
  if ((v = Member(req, defaults, "resource_account")) != nullptr) r.resource_account = v->GetString();
  if ((v = Member(req, defaults, "key_policy")) != nullptr && !v->IsNull()) {
    auto it = policies.find(v->GetString());
    REQUIRE_MESSAGE(it != policies.end(), "unknown key policy " << v->GetString());
    r.key_policy = &it->second;
  }
  if ((v = Member(req, defaults, "identity_policies")) != nullptr) {
    for (const std::string& source : Strings(*v)) {
      auto it = policies.find(source);
      REQUIRE_MESSAGE(it != policies.end(), "unknown identity policy " << source);
      r.identity_policies.push_back(it->second);
    }
  }
  if ((v = Member(req, defaults, "context")) != nullptr) {
    for (auto it = v->MemberBegin(); it != v->MemberEnd(); ++it) {
      if (it->value.IsArray()) {
        r.context.SetList(it->name.GetString(), Strings(it->value));
      } else {
        r.context.Set(it->name.GetString(), Text(it->value));
      }
    }
  }
  if ((v = Member(req, defaults, "encryption_context")) != nullptr) r.encryption_context = StringMap(*v);
  if ((v = Member(req, defaults, "grants")) != nullptr)
    for (const auto& g : v->GetArray()) r.grants.push_back(GrantOf(g));

  REQUIRE(req.HasMember("expect"));
  const Json& expect = req["expect"];
  Decision d = Authorize(r);
  const std::string message = AccessDeniedMessage(r, d);
  INFO("decision: " << EffectName(d.effect) << " " << d.reason << " " << DeterminingText(d.determining));
  INFO("diagnostics: " << core::Join(d.diagnostics, " | "));
  CHECK(EffectName(d.effect) == Str(expect, "decision"));
  CHECK(d.reason == Str(expect, "reason"));
  if (expect.HasMember("determining")) {
    const Json& want = expect["determining"];
    CHECK(want.Size() == d.determining.size());
    for (rapidjson::SizeType i = 0; i < std::min<size_t>(want.Size(), d.determining.size()); ++i) {
      INFO("determining #" << i << ": expected " << Text(want[i]));
      CHECK(SameDetermining(want[i], d.determining[i]));
    }
  }
  if (d.allowed()) {
    CHECK(message.empty());
  } else {
    CHECK_MESSAGE(expect.HasMember("message"), "a denial must give the exact AWS message");
    CHECK(message == Str(expect, "message", "<no message in the corpus>"));
  }
  if (expect.HasMember("diagnostics_contain")) {
    for (const std::string& part : Strings(expect["diagnostics_contain"])) {
      INFO("expected diagnostic containing: " << part);
      CHECK(std::any_of(d.diagnostics.begin(), d.diagnostics.end(),
                        [&](const std::string& x) { return x.find(part) != std::string::npos; }));
    }
  }
  // The trace never changes the decision, and explain always has something to say.
  r.want_trace = true;
  Decision traced = Authorize(r);
  CHECK(traced.effect == d.effect);
  CHECK(traced.reason == d.reason);
  CHECK(DeterminingText(traced.determining) == DeterminingText(d.determining));
  CHECK_FALSE(Explain(r, traced).empty());
}

void RunFile(const std::filesystem::path& path, Counts* counts) {
  const std::string file = path.filename().string();
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  rapidjson::Document doc;
  const std::string json = buffer.str();
  doc.Parse(json.data(), json.size());
  INFO(file);
  REQUIRE_MESSAGE(!doc.HasParseError(), rapidjson::GetParseError_En(doc.GetParseError()) << " at "
                                                                                        << doc.GetErrorOffset());
  REQUIRE(doc.IsObject());
  std::map<std::string, NamedPolicy> policies;
  if (doc.HasMember("policies")) {
    for (auto it = doc["policies"].MemberBegin(); it != doc["policies"].MemberEnd(); ++it) {
      const std::string source = it->name.GetString();
      const PolicyKind kind =
          Str(it->value, "kind", "key") == "identity" ? PolicyKind::kIdentityPolicy : PolicyKind::kKeyPolicy;
      auto parsed = ParsePolicy(Text(it->value["document"]), kind);
      INFO("policy " << source << ": " << parsed.status().message());
      REQUIRE(parsed.ok());
      policies[source] = NamedPolicy{source, *parsed};
    }
  }
  if (doc.HasMember("invalid_policies")) {
    for (const auto& item : doc["invalid_policies"].GetArray()) {
      RunInvalid(item, file);
      ++counts->invalid;
    }
  }
  const Json* defaults = doc.HasMember("defaults") ? &doc["defaults"] : nullptr;
  if (doc.HasMember("requests")) {
    for (const auto& req : doc["requests"].GetArray()) {
      RunRequest(req, defaults, policies, file);
      ++counts->requests;
    }
  }
  ++counts->files;
}

TEST_CASE("policy corpus" * doctest::test_suite("corpus")) {
  const char* dir = std::getenv("KMSLAB_POLICY_CORPUS_DIR");
  REQUIRE_MESSAGE(dir != nullptr, "set KMSLAB_POLICY_CORPUS_DIR to tests/corpus/policy");
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  REQUIRE_FALSE(files.empty());
  Counts counts;
  for (const auto& path : files) RunFile(path, &counts);
  MESSAGE("policy corpus: " << counts.files << " files, " << counts.requests << " requests, " << counts.invalid
                            << " invalid policies");
}

}  // namespace
}  // namespace kmslab::policy
