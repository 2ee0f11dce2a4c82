#include "kms/aws_managed_keys.h"

#include <mutex>
#include <optional>

#include "core/arn.h"
#include "core/random.h"
#include "kms/aws_managed_key_policies.h"

namespace kmslab::kms {

namespace {
constexpr int64_t kYearMillis = 365LL * 24 * 3600 * 1000;

// The predefined alias `key_id` names in `account` and `region` (by name, or
// by alias ARN), or empty.
std::string_view PredefinedAliasNamed(const std::string& key_id, const std::string& account,
                                      const std::string& region) {
  std::string_view name = key_id;
  if (key_id.starts_with("arn:")) {
    const size_t at = key_id.find(":alias/");
    if (at == std::string::npos) return {};
    name.remove_prefix(at + 1);
    if (key_id != core::AliasArn(region, account, name)) return {};
  }
  for (std::string_view alias : kPredefinedAliases) {
    if (name == alias) return alias;
  }
  return {};
}
}  // namespace

core::Status EnsureAwsManagedKey(KeyRegistry& keys, const CallContext& call, const std::string& key_id,
                                 int64_t now_ms) {
  const std::string& account = call.caller->account;
  if (account.empty()) return core::Status();
  const std::string_view alias = PredefinedAliasNamed(key_id, account, call.region);
  if (alias.empty()) return core::Status();
  static std::mutex creating;  // one creator at a time: no second key for a racing first use
  std::lock_guard<std::mutex> lock(creating);
  if (keys.FindAlias(account, call.region, std::string(alias))) return core::Status();
  std::optional<AwsManagedKeyTemplate> shape = AwsManagedKeyFor(alias, account, call.region);
  if (!shape) return core::Internal("no AWS managed key template for " + std::string(alias));

  store::KeyRow meta;
  meta.key_id = core::NewUuid();
  meta.arn = core::KeyArn(call.region, account, meta.key_id);
  meta.account = account;
  meta.region = call.region;
  meta.created_ms = now_ms;
  meta.description = std::move(shape->description);
  meta.state = store::KeyState::kEnabled;
  meta.key_usage = "ENCRYPT_DECRYPT";
  meta.key_spec = "SYMMETRIC_DEFAULT";
  meta.origin = "AWS_KMS";
  meta.key_manager = "AWS";
  meta.policy = std::move(shape->policy);
  meta.rotation_enabled = true;
  meta.rotation_period_days = 365;
  meta.next_rotation_ms = now_ms + kYearMillis;
  ASSIGN_OR_RETURN(KeyPtr key, keys.Create(std::move(meta)));
  return keys.PutAlias({account, call.region, std::string(alias), key->meta.key_id, now_ms, now_ms}, true);
}

}  // namespace kmslab::kms
