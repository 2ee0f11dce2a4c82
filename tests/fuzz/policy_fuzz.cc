// Policy documents (policy/parser.cc) and, for every document that parses,
// Authorize, AccessDeniedMessage and Explain (evaluator, statement_eval,
// explain) on a request the input describes. Input lines:
//   1: "key|identity|resource ACTION PRINCIPAL RESOURCE" (space-separated;
//      defaults key, kms:Decrypt, the account root, a key ARN)
//   2: condition keys "name=value&name=v1,v2" (a comma makes a list)
//   3: encryption context "name=value&..." (the request's, and a grant's
//      EncryptionContextSubset on the key for the same principal)
//   rest: the policy JSON. A key policy decides with no identity policy; an
//   identity policy decides under the default key policy; a resource policy
//   (a DynamoDB table's) decides by IAM's rule beside no identity policy.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/strings.h"
#include "fuzz_input.h"
#include "policy/decision.h"
#include "policy/eval_request.h"
#include "policy/policy.h"

namespace {

using namespace kmslab;

constexpr std::string_view kDefaultKeyPolicy =
    R"({"Version":"2012-10-17","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow",)"
    R"("Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]})";

std::vector<std::pair<std::string, std::string>> Pairs(std::string_view line) {
  std::vector<std::pair<std::string, std::string>> out;
  if (line.empty()) return out;
  for (const std::string& pair : core::Split(line, '&')) {
    const size_t eq = pair.find('=');
    out.emplace_back(pair.substr(0, eq), eq == std::string::npos ? "" : pair.substr(eq + 1));
  }
  return out;
}

void Decide(policy::EvalRequest& request) {
  policy::Decision decision = policy::Authorize(request);
  (void)policy::AccessDeniedMessage(request, decision);
  (void)policy::Explain(request, decision);
  request.want_trace = true;
  policy::Decision traced = policy::Authorize(request);
  (void)policy::Explain(request, traced);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::FuzzInput input(data, size);
  std::vector<std::string> head = core::Split(input.Line(), ' ');
  head.resize(4);
  const bool identity = head[0] == "identity";
  const bool resource = head[0] == "resource";
  policy::EvalRequest request;
  request.action = head[1].empty() ? "kms:Decrypt" : head[1];
  request.principal = policy::PrincipalFromArn(head[2].empty() ? "arn:aws:iam::111122223333:root" : head[2]);
  request.resource =
      head[3].empty() ? "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" : head[3];
  request.resource_account = "111122223333";
  for (auto& [name, value] : Pairs(input.Line())) {
    if (value.find(',') != std::string::npos) {
      request.context.SetList(name, core::Split(value, ','));
    } else {
      request.context.Set(name, value);
    }
  }
  policy::Grant grant{.grant_id = "fuzz-grant",
                      .grantee_principal = request.principal.arn,
                      .issuing_account = "111122223333",
                      .operations = {request.action.substr(request.action.find(':') + 1)}};
  for (auto& [name, value] : Pairs(input.Line())) {
    request.encryption_context[name] = value;
    grant.context_subset[name] = value;
  }
  request.grants.push_back(grant);

  auto parsed = policy::ParsePolicy(input.Rest(), identity   ? policy::PolicyKind::kIdentityPolicy
                                                  : resource ? policy::PolicyKind::kResourcePolicy
                                                             : policy::PolicyKind::kKeyPolicy);
  if (!parsed.ok()) return 0;
  policy::NamedPolicy fuzzed{identity ? "user/fuzz:inline:fuzz" : "key-policy", std::move(parsed).value()};
  policy::NamedPolicy key_policy = fuzzed;
  if (identity) {
    auto default_policy = policy::ParsePolicy(kDefaultKeyPolicy, policy::PolicyKind::kKeyPolicy);
    if (!default_policy.ok()) __builtin_trap();
    key_policy = {"key-policy", std::move(default_policy).value()};
    request.identity_policies.push_back(fuzzed);
  }
  if (resource) request.rule = policy::EvalRequest::Rule::kResourcePolicy;
  request.key_policy = &key_policy;
  Decide(request);
  request.key_policy = nullptr;  // IAM-only
  request.want_trace = false;
  Decide(request);
  return 0;
}
