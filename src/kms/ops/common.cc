#include "kms/ops/common.h"

#include <set>

#include "core/arn.h"
#include "core/strings.h"
#include "kms/errors.h"
#include "kms/multi_region.h"

namespace kmslab::kms::ops {

core::StatusOr<KeyPtr> PlanKey(Service& service, const CallContext& call, const std::string& key_id,
                               KeyIdForms forms, const char* action, KeyUse use, Plan& plan, CheckRole role) {
  ASSIGN_OR_RETURN(ResolvedKey resolved, ResolveKey(service.keys(), key_id, forms, call));
  plan.checks.push_back({action, resolved.key->meta.arn, resolved.key, use, resolved.request_alias});
  plan.checks.back().role = role;
  return resolved.key;
}

core::Status PlanCryptoKey(Service& service, const CallContext& call, const std::string& key_id, const char* action,
                           const std::vector<std::string>& grant_tokens, bool dry_run, Plan& plan) {
  plan.grant_tokens = grant_tokens;
  plan.dry_run = dry_run;
  return PlanKey(service, call, key_id, KeyIdForms::kKeyOrAlias, action, KeyUse::kCryptographic, plan).status();
}

void KeyIdRequest::Read(RequestReader& r, KeyIdRequest& q) {
  q.key_id = r.String("KeyId", kKeyIdRule).value_or("");
  q.grant_tokens = r.StringList("GrantTokens", kGrantTokensRule).value_or(std::vector<std::string>{});
}

core::StatusOr<KeyPtr> UpdatePlannedKey(Service& service, const Plan& plan,
                                        const std::function<core::Status(store::KeyRow&)>& change) {
  const AuthzCheck& check = plan[CheckRole::kKey];
  // The state may have changed since the pipeline checked it: check again
  // under the registry's write lock.
  return service.keys().Update(check.key->meta.region, check.key->meta.key_id, [&](store::KeyRow& m) {
    RETURN_IF_ERROR(CheckKeyState(m, check.use, service.options()));
    return change(m);
  });
}

core::StatusOr<std::shared_ptr<const policy::Policy>> ParseKeyPolicyDocument(const std::string& text) {
  auto parsed = policy::ParsePolicy(text, policy::PolicyKind::kKeyPolicy);
  if (!parsed.ok()) return MalformedPolicyError(parsed.status().message());
  return parsed;
}

core::Status CheckPolicyLockout(Service& service, const CallContext& call, const store::KeyRow& meta,
                                const std::optional<std::string>& policy, bool bypass) {
  if (!policy || bypass) return core::Status();
  ASSIGN_OR_RETURN(auto parsed, ParseKeyPolicyDocument(*policy));
  if (service.authorizer().AllowsPolicyUpdate(call, meta, parsed)) return core::Status();
  return MalformedPolicyError("The new key policy will not allow you to update the key policy in the future.");
}

void AddCryptoContext(AuthzCheck& check, const StringMap& context, const std::string& algorithm) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : context) {
    check.context.Set("kms:EncryptionContext:" + k, v);
    keys.push_back(k);
  }
  if (!keys.empty()) check.context.SetList("kms:EncryptionContextKeys", std::move(keys));
  check.context.Set("kms:EncryptionAlgorithm", algorithm);
  check.encryption_context = context;
}

void AddTagContext(AuthzCheck& check, const std::vector<Tag>& tags) {
  std::vector<std::string> keys;
  for (const Tag& tag : tags) {
    check.context.Set("aws:RequestTag/" + tag.key, tag.value);
    keys.push_back(tag.key);
  }
  if (!keys.empty()) check.context.SetList("aws:TagKeys", std::move(keys));
}

AuthzCheck& PlanIamOnly(const char* action, std::string resource, Plan& plan, CheckRole role) {
  AuthzCheck& check = plan.checks.emplace_back(AuthzCheck{action, std::move(resource), nullptr, KeyUse::kAnyState, ""});
  check.role = role;
  return check;
}

core::StatusOr<Page> Paginate(const std::vector<std::string>& ids, const std::optional<std::string>& marker,
                              size_t limit) {
  Page page;
  if (marker) {
    while (page.begin < ids.size() && ids[page.begin] != *marker) ++page.begin;
    if (page.begin == ids.size()) {
      return core::Status(core::Code::kInvalidArgument, "Invalid marker '" + *marker + "'.", "InvalidMarkerException");
    }
  }
  page.end = std::min(ids.size(), page.begin + limit);
  page.truncated = page.end < ids.size();
  if (page.truncated) page.next_marker = ids[page.end];
  return page;
}

void WritePageEnd(JsonOut& out, const Page& page) {
  if (page.truncated) out.Str("NextMarker", page.next_marker);
  out.Bool("Truncated", page.truncated);
}

core::Status CheckTags(const std::vector<Tag>& tags, size_t existing_after_merge) {
  std::set<std::string> seen;
  for (const Tag& tag : tags) {
    if (core::ToLower(tag.key).starts_with("aws:")) return TagError("Tags beginning with aws: are reserved");
    if (!seen.insert(tag.key).second) return TagError("Duplicate tag keys");
  }
  if (existing_after_merge > 50) return TagError("Too many tags");
  return core::Status();
}

core::Status CheckKeyUsage(const Key& key, KeyUsage usage, const char* operation) {
  if (key.usage != usage) return InvalidKeyUsageError(key.meta.arn, Name(key.usage), operation);
  return core::Status();
}

core::Status CheckSymmetricUse(const Key& key, const std::string& algorithm, const char* operation) {
  RETURN_IF_ERROR(CheckKeyUsage(key, KeyUsage::kEncryptDecrypt, operation));
  if (key.spec != KeySpec::kSymmetricDefault || algorithm != "SYMMETRIC_DEFAULT") {
    return IncompatibleAlgorithmError(algorithm, Name(key.spec));
  }
  return core::Status();
}

core::Status CheckRotatable(const Key& key) {
  if (key.spec != KeySpec::kSymmetricDefault) return UnsupportedOperationError("");
  return core::Status();
}

core::StatusOr<std::string> SealUnderKey(const Key& key, std::string_view plaintext,
                                         const crypto::EncryptionContext& context) {
  const KeyMaterial& material = key.current();
  return crypto::SealBlob({key.meta.arn, material.version}, material.bytes, plaintext, context);
}

core::StatusOr<ResolvedKey> ResolveCiphertextKey(Service& service, const CallContext& call, const std::string& blob,
                                                 const std::optional<std::string>& key_id) {
  std::optional<ResolvedKey> named;
  if (key_id) {
    ASSIGN_OR_RETURN(named, ResolveKey(service.keys(), *key_id, KeyIdForms::kKeyOrAlias, call));
  }
  auto header = crypto::ParseBlobHeader(blob);
  if (!header.ok()) return InvalidCiphertextError();
  auto arn = core::ParseArn(header->key_arn);
  KeyPtr key;
  if (arn && arn->resource.starts_with("key/")) {
    // A multi-Region key's blob opens under the related key in the caller's
    // Region (the related keys share every material version); any other
    // blob only under the very key that sealed it.
    const std::string key_id = arn->resource.substr(4);
    key = service.keys().Find(call.region, key_id);
    const bool related = key && IsMultiRegionKeyId(key_id) && key->meta.account == arn->account;
    if (key && !related && key->meta.arn != header->key_arn) key = nullptr;
  }
  if (!key) return AccessDeniedError(kLegacyCiphertextDenied);
  if (!key->material(header->material_version)) return InvalidCiphertextError();
  if (named && named->key->meta.key_id != key->meta.key_id) return IncorrectKeyError();
  return ResolvedKey{key, named ? named->request_alias : ""};
}

const KeyMaterial& CiphertextMaterial(const Key& key, const std::string& blob) {
  return *key.material(crypto::ParseBlobHeader(blob)->material_version);
}

core::StatusOr<core::SecretBytes> OpenUnderKey(const Key& key, const std::string& blob,
                                               const crypto::EncryptionContext& context) {
  auto plain = crypto::OpenBlob(blob, CiphertextMaterial(key, blob).bytes, context);
  if (!plain.ok()) return InvalidCiphertextError();
  return std::move(plain).value();
}

}  // namespace kmslab::kms::ops
