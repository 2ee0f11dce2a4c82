#include "kms/key_resolver.h"

#include "core/arn.h"
#include "kms/errors.h"

namespace kmslab::kms {

namespace {
core::StatusOr<ResolvedKey> ById(const KeyRegistry& keys, const std::string& account, const std::string& region,
                                 const std::string& id, const std::string& as_sent) {
  if (!core::IsKeyId(id)) return InvalidKeyIdError(as_sent);
  KeyPtr key = keys.Find(region, id);
  if (!key || key->meta.account != account) {
    return KeyNotFoundError(core::KeyArn(region, account, id));
  }
  return ResolvedKey{key, ""};
}

core::StatusOr<ResolvedKey> ByAlias(const KeyRegistry& keys, const std::string& account, const std::string& region,
                                    const std::string& name) {
  auto alias = keys.FindAlias(account, region, name);
  KeyPtr key = alias ? keys.Find(region, alias->key_id) : nullptr;
  if (!key) return AliasNotFoundError(core::AliasArn(region, account, name));
  return ResolvedKey{key, name};
}
}  // namespace

core::StatusOr<ResolvedKey> ResolveKey(const KeyRegistry& keys, const std::string& key_id, KeyIdForms forms,
                                       const CallContext& call) {
  const bool aliases_ok = forms == KeyIdForms::kKeyOrAlias;
  if (key_id.starts_with("arn:")) {
    auto arn = core::ParseArn(key_id);
    if (!arn || arn->service != "kms" || !core::IsAccountId(arn->account)) return InvalidKeyIdError(key_id);
    if (arn->region != call.region) return InvalidArnRegionError(arn->region);
    if (arn->resource.starts_with("key/")) {
      return ById(keys, arn->account, arn->region, arn->resource.substr(4), key_id);
    }
    if (aliases_ok && arn->resource.starts_with("alias/")) return ByAlias(keys, arn->account, arn->region, arn->resource);
    return InvalidKeyIdError(key_id);
  }
  if (key_id.starts_with("alias/")) {
    if (!aliases_ok) return InvalidKeyIdError(key_id);
    return ByAlias(keys, call.caller->account, call.region, key_id);
  }
  return ById(keys, call.caller->account, call.region, key_id, key_id);
}

}  // namespace kmslab::kms
