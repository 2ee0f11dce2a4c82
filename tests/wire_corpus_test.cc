// Runs the wire corpus (tests/corpus/wire/*.json) through the in-process HTTP
// router: each case is a sequence of requests (target + body) with the
// expected HTTP status, __type and message. A step may save a string from its
// response ("save": {"name": "Dotted.Path"}) for later steps as ${name}.
// The corpus directory comes from KMSLAB_CORPUS_DIR.
#include <doctest/doctest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/clock.h"
#include "core/strings.h"
#include "http/router.h"
#include "kms/policy_authorizer.h"
#include "kms/key_registry.h"
#include "kms/service.h"
#include "store/store.h"

namespace kmslab {
namespace {

using Vars = std::map<std::string, std::string>;

std::string Substitute(std::string text, const Vars& vars) {
  for (const auto& [name, value] : vars) {
    const std::string token = "${" + name + "}";
    for (size_t pos; (pos = text.find(token)) != std::string::npos;) text.replace(pos, token.size(), value);
  }
  return text;
}

std::string ToJson(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

// Follows "A.B.0.C" through objects and arrays; "" when absent or not a string.
std::string Lookup(const rapidjson::Value& root, const std::string& path) {
  const rapidjson::Value* v = &root;
  for (const std::string& part : core::Split(path, '.')) {
    if (v->IsObject() && v->HasMember(part.c_str())) {
      v = &(*v)[part.c_str()];
    } else if (v->IsArray() && !part.empty() && std::isdigit(static_cast<unsigned char>(part[0])) &&
               std::stoul(part) < v->Size()) {
      v = &(*v)[static_cast<rapidjson::SizeType>(std::stoul(part))];
    } else {
      return "";
    }
  }
  if (v->IsString()) return v->GetString();
  if (v->IsBool()) return v->GetBool() ? "true" : "false";
  if (v->IsNumber()) return ToJson(*v);
  return ToJson(*v);
}

// One server stack over a fresh temporary data directory.
struct Stack {
  Stack() {
    char tmpl[] = "/tmp/kmslab-corpus-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    auto opened = store::Store::Open(std::string(tmpl) + "/kmslab.db");
    REQUIRE(opened.ok());
    db = std::move(opened).value();
    auto loaded = kms::KeyRegistry::Load(db.get(), core::SecretBytes(std::string(32, 'r')), &clock);
    REQUIRE(loaded.ok());
    keys = std::move(loaded).value();
    authorizer = std::make_unique<kms::PolicyAuthorizer>(&clock, keys.get(), nullptr);
    service = std::make_unique<kms::Service>(keys.get(), &clock, authorizer.get(), nullptr);
    router = std::make_unique<http::Router>(service.get(), &authenticator, &sts);
  }
  core::ServerClock clock;
  std::unique_ptr<store::Store> db;
  std::unique_ptr<kms::KeyRegistry> keys;
  // Open authentication: these requests carry no valid signature and act as
  // the root of the account.
  http::Authenticator authenticator{nullptr, http::AuthMode::kOpen, "111122223333", "us-east-1", &clock};
  http::StsEndpoint sts{nullptr, &clock};
  std::unique_ptr<kms::PolicyAuthorizer> authorizer;
  std::unique_ptr<kms::Service> service;
  std::unique_ptr<http::Router> router;
};

void RunCase(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  rapidjson::Document doc;
  const std::string json = text.str();
  doc.Parse(json.data(), json.size());
  REQUIRE_MESSAGE(!doc.HasParseError(), "corpus file is not JSON");
  Stack stack;
  Vars vars;
  int index = 0;
  for (const auto& step : doc["steps"].GetArray()) {
    ++index;
    const std::string target = step["target"].GetString();
    std::string body = step.HasMember("rawBody") ? step["rawBody"].GetString()
                                                  : (step.HasMember("body") ? ToJson(step["body"]) : "");
    body = Substitute(body, vars);
    http::HttpRequest request{"POST", "/", {}, {{"X-Amz-Target", target}}, body, "127.0.0.1"};
    request.headers.emplace_back(
        "Authorization", step.HasMember("authorization")
                             ? step["authorization"].GetString()
                             : "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/us-east-1/kms/aws4_request, "
                               "SignedHeaders=host, Signature=0000000000000000000000000000000000000000000000000000000000000000");
    http::HttpResponse response = stack.router->Handle(request);
    INFO(file.filename().string() << " step " << index << " (" << target << "): " << response.body);
    CHECK(response.status == step["status"].GetInt());
    CHECK(core::IsLowerUuid(response.request_id));
    rapidjson::Document reply;
    if (!response.body.empty()) {
      reply.Parse(response.body.data(), response.body.size());
      REQUIRE(!reply.HasParseError());
    } else {
      reply.SetObject();
    }
    if (step.HasMember("type")) CHECK(Lookup(reply, "__type") == step["type"].GetString());
    if (step.HasMember("message")) CHECK(Lookup(reply, "message") == Substitute(step["message"].GetString(), vars));
    if (step.HasMember("expect")) {
      for (const auto& m : step["expect"].GetObject()) {
        CHECK(Lookup(reply, m.name.GetString()) == Substitute(m.value.GetString(), vars));
      }
    }
    if (step.HasMember("save")) {
      for (const auto& m : step["save"].GetObject()) {
        std::string value = Lookup(reply, m.value.GetString());
        REQUIRE_MESSAGE(!value.empty(), "nothing to save at " << m.value.GetString());
        vars[m.name.GetString()] = value;
      }
    }
  }
}

TEST_CASE("wire corpus") {
  const char* dir = getenv("KMSLAB_CORPUS_DIR");
  REQUIRE(dir != nullptr);
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() > 0);
  for (const auto& file : files) {
    SUBCASE(file.filename().string().c_str()) { RunCase(file); }
  }
}

}  // namespace
}  // namespace kmslab
