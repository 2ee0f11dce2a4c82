// policy_bench: how long one Authorize() takes for the seed documents'
// DynamoDB customer managed key policy (issue 4 target: <= 5 us per decision).
//
// Parses the policy once, builds two requests with the condition keys the KMS
// pipeline sets, and times N decisions of each: db-lead's GenerateDataKey
// through DynamoDB (allowed) and db-lead's direct Decrypt (denied).
// Usage: policy_bench [N]   (default 1000000)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "policy/policy.h"

namespace {

using kmslab::policy::Authorize;
using kmslab::policy::Decision;
using kmslab::policy::EvalRequest;
using kmslab::policy::NamedPolicy;
using kmslab::policy::PolicyKind;

// The seed documents' policy, as shipped in policies/ (path set by the build).
constexpr const char* kKeyPolicyFile = KMSLAB_POLICIES_DIR "/dynamodb-cmk-db-lead.json";

constexpr const char* kDbLeadIdentityPolicy =
    R"({"Version":"2012-10-17","Statement":[{"Sid":"DynamoDB","Effect":"Allow","Action":"dynamodb:*","Resource":"*"}]})";

constexpr const char* kKeyArn = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

std::string ReadFile(const char* path) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "policy_bench: cannot read %s\n", path);
    std::exit(2);
  }
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::shared_ptr<const kmslab::policy::Policy> MustParse(const std::string& json, PolicyKind kind) {
  auto parsed = kmslab::policy::ParsePolicy(json, kind);
  if (!parsed.ok()) {
    std::fprintf(stderr, "policy_bench: %s\n", parsed.status().ToString().c_str());
    std::exit(2);
  }
  return *parsed;
}

// The request the KMS pipeline builds for db-lead (section 6 keys).
EvalRequest DbLeadRequest(const NamedPolicy* key_policy, const NamedPolicy& identity, const char* action, bool via_ddb) {
  EvalRequest r;
  r.principal = kmslab::policy::PrincipalFromArn("arn:aws:iam::111122223333:user/db-lead");
  r.action = action;
  r.resource = kKeyArn;
  r.resource_account = "111122223333";
  r.key_policy = key_policy;
  r.identity_policies.push_back(identity);
  r.encryption_context = {{"aws:dynamodb:tableName", "Books"}, {"aws:dynamodb:subscriberId", "111122223333"}};
  auto& c = r.context;
  c.Set("kms:CallerAccount", "111122223333");
  if (via_ddb) c.Set("kms:ViaService", "dynamodb.us-west-2.amazonaws.com");
  c.Set("kms:EncryptionContext:aws:dynamodb:tableName", "Books");
  c.Set("kms:EncryptionContext:aws:dynamodb:subscriberId", "111122223333");
  c.SetList("kms:EncryptionContextKeys", {"aws:dynamodb:tableName", "aws:dynamodb:subscriberId"});
  c.Set("kms:EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
  c.Set("kms:KeySpec", "SYMMETRIC_DEFAULT");
  c.Set("kms:KeyUsage", "ENCRYPT_DECRYPT");
  c.Set("kms:KeyOrigin", "AWS_KMS");
  c.Set("aws:PrincipalArn", "arn:aws:iam::111122223333:user/db-lead");
  c.Set("aws:PrincipalAccount", "111122223333");
  c.Set("aws:PrincipalType", "User");
  c.Set("aws:username", "db-lead");
  c.Set("aws:userid", "AIDAJQABLZS4A3QDU576Q");
  c.Set("aws:SourceIp", "127.0.0.1");
  c.SetBool("aws:SecureTransport", false);
  c.SetBool("aws:ViaAWSService", via_ddb);
  c.Set("aws:CurrentTime", "2026-05-01T10:00:00Z");
  return r;
}

double NanosPerDecision(const EvalRequest& request, long n, kmslab::policy::Effect expected) {
  long mismatches = 0;
  for (long i = 0; i < n / 10 + 1; ++i) mismatches += Authorize(request).effect != expected;  // warm-up
  auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < n; ++i) mismatches += Authorize(request).effect != expected;
  auto elapsed = std::chrono::steady_clock::now() - start;
  if (mismatches != 0) {
    std::fprintf(stderr, "policy_bench: unexpected decision\n");
    std::exit(1);
  }
  return std::chrono::duration<double, std::nano>(elapsed).count() / static_cast<double>(n);
}

}  // namespace

int main(int argc, char** argv) {
  const long n = argc > 1 ? std::atol(argv[1]) : 1000000;
  if (n <= 0) {
    std::fprintf(stderr, "usage: policy_bench [N]\n");
    return 2;
  }
  const std::string key_policy_text = ReadFile(kKeyPolicyFile);
  auto parse_start = std::chrono::steady_clock::now();
  NamedPolicy key_policy{"key-policy", MustParse(key_policy_text, PolicyKind::kKeyPolicy)};
  auto parse_ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - parse_start).count();
  NamedPolicy identity{"user/db-lead:inline:dynamodb", MustParse(kDbLeadIdentityPolicy, PolicyKind::kIdentityPolicy)};

  EvalRequest allowed = DbLeadRequest(&key_policy, identity, "kms:GenerateDataKey", true);
  EvalRequest denied = DbLeadRequest(&key_policy, identity, "kms:Decrypt", false);
  const double allow_ns = NanosPerDecision(allowed, n, kmslab::policy::Effect::kAllow);
  const double deny_ns = NanosPerDecision(denied, n, kmslab::policy::Effect::kImplicitDeny);

  std::printf("policy_bench: DynamoDB customer managed key policy (seed), %ld decisions each\n", n);
  std::printf("  parse key policy (once)                          %10.0f ns\n", parse_ns);
  std::printf("  allow: db-lead GenerateDataKey via DynamoDB      %10.1f ns/decision\n", allow_ns);
  std::printf("  deny:  db-lead Decrypt direct (no-resource)      %10.1f ns/decision\n", deny_ns);
  std::printf("  target                                           %10.1f ns/decision\n", 5000.0);
  return allow_ns <= 5000.0 && deny_ns <= 5000.0 ? 0 : 1;
}
