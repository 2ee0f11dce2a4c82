#include "kms/policy_authorizer.h"

#include <algorithm>
#include <optional>

#include "core/arn.h"
#include "core/strings.h"
#include "kms/errors.h"
#include "kms/multi_region.h"

namespace kmslab::kms {

namespace {
// aws:PrincipalType values by identity type.
std::string PrincipalType(const std::string& type) {
  if (type == "Root") return "Account";
  if (type == "IAMUser") return "User";
  return type;  // AssumedRole, FederatedUser, AWSService
}
// The key policy, or the resource-based policy, that `check` names.
std::optional<policy::NamedPolicy> PolicyOf(const AuthzCheck& check) {
  if (check.key) return policy::NamedPolicy{"key-policy", check.key->policy};
  if (check.resource_policy) return policy::NamedPolicy{"resource-policy", check.resource_policy};
  return std::nullopt;
}
}  // namespace

void SetKeyPropertyConditionKeys(policy::RequestContext& ctx, const store::KeyRow& key) {
  ctx.Set("kms:KeySpec", key.key_spec);
  ctx.Set("kms:CustomerMasterKeySpec", key.key_spec);
  ctx.Set("kms:KeyUsage", key.key_usage);
  ctx.Set("kms:CustomerMasterKeyUsage", key.key_usage);
  ctx.Set("kms:KeyOrigin", key.origin);
  SetMultiRegionConditionKeys(ctx, key.multi_region, key.multi_region_type);
}

policy::EvalRequest PolicyAuthorizer::BuildRequest(const CallContext& call, const AuthzCheck& check,
                                                   const policy::NamedPolicy* key_policy) const {
  const iam::Identity& who = *call.caller;
  const int64_t now = clock_->NowMillis();
  policy::EvalRequest request;
  request.principal = who.ToPrincipal();
  request.action = check.action;
  request.resource = check.resource;
  request.key_policy = key_policy;
  request.identity_policies = who.policies;
  request.encryption_context = check.encryption_context;
  request.context = check.context;

  policy::RequestContext& ctx = request.context;
  // Room for every key set below (at most 24 plus one per tag), in one allocation.
  ctx.Reserve(ctx.entries().size() + 24 + (check.key ? check.key->meta.tags.size() : 0));
  ctx.Set("aws:PrincipalArn", who.role_arn.empty() ? who.arn : who.role_arn);
  ctx.Set("aws:PrincipalAccount", who.account);
  ctx.Set("aws:PrincipalType", PrincipalType(who.type));
  ctx.Set("aws:userid", who.user_id);
  if (who.type == "IAMUser") ctx.Set("aws:username", who.name);
  if (!call.source_ip.empty() && call.via_service.empty()) ctx.Set("aws:SourceIp", call.source_ip);
  ctx.SetBool("aws:SecureTransport", false);
  // aws:CurrentTime changes once a second; format it once a second per thread.
  thread_local int64_t formatted_second = -1;
  thread_local std::string formatted;
  if (now / 1000 != formatted_second) {
    formatted_second = now / 1000;
    formatted = core::FormatIso8601(now);
  }
  ctx.Set("aws:CurrentTime", formatted);
  ctx.Set("aws:EpochTime", std::to_string(now / 1000));
  ctx.SetBool("aws:ViaAWSService", !call.via_service.empty());
  ctx.Set("aws:RequestedRegion", check.region.empty() ? call.region : check.region);
  if (!call.via_service.empty()) ctx.Set("kms:ViaService", call.via_service);
  if (!check.request_alias.empty()) ctx.Set("kms:RequestAlias", check.request_alias);

  if (!check.resource_account.empty() && !check.key) {
    request.rule = policy::EvalRequest::Rule::kResourcePolicy;
    request.resource_account = check.resource_account;
  }
  if (check.key) {
    const store::KeyRow& m = check.key->meta;
    request.resource_account = m.account;
    ctx.Set("kms:CallerAccount", who.account);
    SetKeyPropertyConditionKeys(ctx, m);
    std::vector<std::string> aliases = keys_ ? keys_->AliasesOf(m.region, m.key_id) : std::vector<std::string>{};
    if (!aliases.empty()) ctx.SetList("kms:ResourceAliases", std::move(aliases));
    for (const auto& [k, v] : m.tags) ctx.Set("aws:ResourceTag/" + k, v);
  }
  return request;
}

core::Status PolicyAuthorizer::Authorize(const CallContext& call, const AuthzCheck& check,
                                         AuthzOutcome* outcome) const {
  std::optional<policy::NamedPolicy> key_policy = PolicyOf(check);
  policy::EvalRequest request = BuildRequest(call, check, key_policy ? &*key_policy : nullptr);
  AddGrants(call, check, request);
  policy::Decision decision = policy::Authorize(request);
  if (outcome) {
    outcome->action = check.action;
    outcome->effect = std::string(policy::EffectName(decision.effect));
    outcome->determining = std::move(decision.determining);
  }
  if (decision.effect == policy::Effect::kAllow) return core::Status();

  std::string message = policy::AccessDeniedMessage(request, decision);
  std::string explanation = policy::Explain(request, decision);
  if (denials_) {
    denials_->Record({call.request_id, core::FormatIso8601(clock_->NowMillis()), call.caller->arn, check.action,
                      check.resource, message, explanation});
  }
  if (outcome) outcome->explanation = std::move(explanation);
  return AccessDeniedError(std::move(message));
}

bool PolicyAuthorizer::Allows(const CallContext& call, const AuthzCheck& check) const {
  std::optional<policy::NamedPolicy> key_policy = PolicyOf(check);
  policy::EvalRequest request = BuildRequest(call, check, key_policy ? &*key_policy : nullptr);
  AddGrants(call, check, request);
  return policy::Authorize(request).allowed();
}

void PolicyAuthorizer::AddGrants(const CallContext& call, const AuthzCheck& check,
                                 policy::EvalRequest& request) const {
  if (check.subject_grant) {
    request.grants.push_back(check.subject_grant->grant);
    return;
  }
  if (!check.key || !keys_) return;
  const std::string& key_id = check.key->meta.key_id;
  const std::string& region = check.key->meta.region;
  if (check.token_grant_ids.empty() && !keys_->HasGrants(region, key_id)) return;
  const int64_t consistent_before = clock_->NowMillis() - grant_delay_ms_;
  std::vector<std::string> added;
  auto add = [&](const GrantPtr& g, bool by_token) {
    if (!g || g->key_id != key_id || g->region != region || (!by_token && g->created_ms > consistent_before)) return;
    if (std::find(added.begin(), added.end(), g->grant.grant_id) != added.end()) return;
    added.push_back(g->grant.grant_id);
    request.grants.push_back(g->grant);
  };
  const iam::Identity& who = *call.caller;
  std::vector<std::string> grantees = {who.arn};
  if (!who.account.empty()) {
    grantees.push_back(core::AccountRootArn(who.account));
    grantees.push_back(who.account);
  }
  if (!who.role_arn.empty()) grantees.push_back(who.role_arn);
  if (!who.service.empty()) {
    grantees.push_back(who.service);
    // Grants name services regionally: dynamodb.us-east-1.amazonaws.com.
    constexpr std::string_view kSuffix = ".amazonaws.com";
    if (who.service.ends_with(kSuffix)) {
      grantees.push_back(who.service.substr(0, who.service.size() - kSuffix.size()) + "." + call.region +
                         std::string(kSuffix));
    }
  }
  for (const std::string& grantee : grantees)
    for (const GrantPtr& g : keys_->GrantsFor(region, key_id, grantee)) add(g, false);
  for (const std::string& id : check.token_grant_ids) add(keys_->FindGrant(id), true);
}

bool PolicyAuthorizer::AllowsPolicyUpdate(const CallContext& call, const store::KeyRow& key,
                                          const std::shared_ptr<const policy::Policy>& new_policy) const {
  auto candidate = std::make_shared<Key>();
  candidate->meta = key;
  candidate->policy = new_policy;
  AuthzCheck check{"kms:PutKeyPolicy", key.arn, candidate, KeyUse::kAnyState, ""};
  policy::NamedPolicy named{"new-key-policy", new_policy};
  return policy::Authorize(BuildRequest(call, check, &named)).effect == policy::Effect::kAllow;
}

}  // namespace kmslab::kms
