#include "fuzz_stack.h"

#include <stdlib.h>

#include <cstdio>
#include <filesystem>

#include "cli/scenario.h"
#include "crypto/asymmetric_key.h"
#include "fuzz_input.h"

namespace kmslab::fuzz {

namespace {

constexpr std::string_view kKms = "TrentService.";
constexpr std::string_view kDdb = "DynamoDB_20120810.";

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "fuzz stack: %s\n", what.c_str());
  std::abort();
}

FuzzStack* g_stack = nullptr;  // shut down at exit

}  // namespace

FuzzStack& FuzzStack::Get() {
  static FuzzStack* stack = [] {
    auto* s = g_stack = new FuzzStack();
    // tmpfs where there is one: every request commits with fsync, which a disk
    // makes the fuzzer's bottleneck.
    char tmpl[] = "/dev/shm/kmslab-fuzz-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) Die("mkdtemp failed");
    s->data_dir_ = tmpl;
    cli::StackOptions options;
    options.data_dir = s->data_dir_;
    options.fixtures_dir = KMSLAB_FUZZ_FIXTURES;
    options.auth = http::AuthMode::kOpen;
    options.ddb.data_events = true;  // item calls reach the trail's redaction too
    // RSA CreateKey and GetParametersForImport would spend seconds per input
    // in prime search (the fuzzer finds RSA_4096 within minutes); the keys'
    // use is what is fuzzed, so one key per size serves the whole process.
    crypto::ReuseRsaKeysForFuzzing();
    auto opened = cli::Stack::Open(options);
    if (!opened.ok()) Die(opened.status().message());
    s->stack_ = std::move(opened).value();
    s->MakeNamedState();
    // Exit handlers run in reverse order of registration: this one runs
    // before the destructors of the statics made while building the stack.
    std::atexit(FuzzStack::ShutDown);
    return s;
  }();
  return *stack;
}

void FuzzStack::ShutDown() {
  g_stack->stack_.reset();
  std::error_code ec;
  std::filesystem::remove_all(g_stack->data_dir_, ec);
}

void FuzzStack::StartInput() {
  if (++inputs_ % kResetEvery != 0) return;
  core::Status reset = stack_->Reset();
  if (!reset.ok()) Die("reset: " + reset.message());
  MakeNamedState();
}

http::HttpResponse FuzzStack::Call(std::string_view target, std::string_view body) {
  http::QueryParams query;
  http::HttpRequest request{"POST", "/", query, {{"X-Amz-Target", target}}, body, "127.0.0.1"};
  return stack_->router->Handle(request);
}

http::HttpResponse FuzzStack::Admin(std::string_view method, std::string_view path, const http::QueryParams& query,
                                    std::string_view body) {
  http::HttpRequest request{method, path, query, {}, body, "127.0.0.1"};
  return stack_->router->Handle(request);
}

void FuzzStack::CallAll(const uint8_t* data, size_t size, std::string_view prefix) {
  StartInput();
  FuzzInput input(data, size);
  for (std::string_view record : input.Records(8)) {
    FuzzInput fields(reinterpret_cast<const uint8_t*>(record.data()), record.size());
    const std::string_view operation = fields.Line();
    const std::string target = operation.find('.') == std::string_view::npos
                                   ? std::string(prefix) + std::string(operation)
                                   : std::string(operation);
    std::string body(fields.Rest());
    const std::string token = "${grantToken}";
    for (size_t pos; (pos = body.find(token)) != std::string::npos;) body.replace(pos, token.size(), grant_token_);
    Call(target, body);
  }
}

void FuzzStack::MakeNamedState() {
  auto must = [this](std::string_view target, const std::string& body) {
    http::HttpResponse response = Call(target, body);
    if (response.status != 200) Die(std::string(target) + " " + body + ": " + response.body);
    return response.body;
  };
  auto key_id = [&](const std::string& description) {
    const std::string created = must(std::string(kKms) + "CreateKey", "{\"Description\":\"" + description + "\"}");
    std::optional<std::string> id = cli::LookupPath(created, "KeyMetadata.KeyId");
    if (!id) Die("CreateKey answered no KeyId: " + created);
    return *id;
  };
  const std::string key = key_id("fuzz key");
  must(std::string(kKms) + "CreateAlias", "{\"AliasName\":\"alias/fuzz-key\",\"TargetKeyId\":\"" + key + "\"}");
  const std::string disabled = key_id("fuzz disabled key");
  must(std::string(kKms) + "CreateAlias",
       "{\"AliasName\":\"alias/fuzz-disabled\",\"TargetKeyId\":\"" + disabled + "\"}");
  must(std::string(kKms) + "DisableKey", "{\"KeyId\":\"" + disabled + "\"}");
  const std::string grant = must(
      std::string(kKms) + "CreateGrant",
      "{\"KeyId\":\"" + key +
          "\",\"GranteePrincipal\":\"arn:aws:iam::111122223333:role/fuzz\",\"Operations\":[\"Encrypt\",\"Decrypt\","
          "\"CreateGrant\"],\"Constraints\":{\"EncryptionContextSubset\":{\"purpose\":\"fuzz\"}}}");
  grant_token_ = cli::LookupPath(grant, "GrantToken").value_or("");

  must(
      std::string(kDdb) + "CreateTable",
      R"({"TableName":"fuzz","BillingMode":"PAY_PER_REQUEST",)"
      R"("AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"}],)"
      R"("KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],)"
      R"("SSESpecification":{"Enabled":true,"SSEType":"KMS","KMSMasterKeyId":"alias/fuzz-key"}})");
  must(std::string(kDdb) + "CreateTable", R"({"TableName":"fuzz-owned","BillingMode":"PAY_PER_REQUEST",)"
                                          R"("AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],)"
                                          R"("KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}]})");
  for (
      const char* item :
      {R"({"TableName":"fuzz","Item":{"pk":{"S":"a"},"sk":{"N":"1"},"n":{"N":"-1.5E3"},"l":{"L":[{"S":"x"},{"BOOL":true}]}}})",
       R"({"TableName":"fuzz","Item":{"pk":{"S":"a"},"sk":{"N":"2"},"m":{"M":{"b":{"B":"AAEC"},"ss":{"SS":["p","q"]}}}}})",
       R"({"TableName":"fuzz-owned","Item":{"pk":{"S":"a"},"ns":{"NS":["1","2.5"]},"z":{"NULL":true}}})"}) {
    must(std::string(kDdb) + "PutItem", item);
  }
}

}  // namespace kmslab::fuzz
