// CreateKey: a symmetric encryption key (the default), an RSA or ECC key for
// signing (RSA also ENCRYPT_DECRYPT, NIST curves also KEY_AGREEMENT) or an
// HMAC key, with AWS's spec x usage rules (docs/spec/key-types.md section 1.2);
// single-Region or the primary of a multi-Region key (multi_region.h).
// Origin EXTERNAL makes it without material, in PendingImport.
// IAM-only authorization (kms:CreateKey, plus kms:TagResource with Tags).
#include "core/arn.h"
#include "core/random.h"
#include "kms/errors.h"
#include "kms/key_json.h"
#include "kms/key_material.h"
#include "kms/multi_region.h"
#include "kms/ops/common.h"
#include "kms/policies.h"

namespace kmslab::kms::ops {

namespace {
struct CreateKeyOp {
  static constexpr const char* kName = "CreateKey";
  struct Request {
    std::optional<std::string> policy, description, origin;
    std::optional<KeyUsage> key_usage;
    KeySpec key_spec = KeySpec::kSymmetricDefault;
    bool conflicting_specs = false;  // KeySpec and CustomerMasterKeySpec both sent, different
    std::optional<bool> multi_region, bypass;
    std::vector<Tag> tags;
  };

  static void Read(RequestReader& r, Request& q) {
    q.policy = r.String("Policy", {.min = 1, .max = 32768});
    q.description = r.String("Description", {.max = 8192});
    q.key_usage = ParseKeyUsage(r.String("KeyUsage", {.enum_values = kKeyUsageNames}).value_or(""));
    auto cmk_spec = r.String("CustomerMasterKeySpec", {.enum_values = kKeySpecNames});
    auto spec = r.String("KeySpec", {.enum_values = kKeySpecNames});
    q.key_spec = ParseKeySpec(spec.value_or(cmk_spec.value_or(""))).value_or(KeySpec::kSymmetricDefault);
    q.conflicting_specs = spec && cmk_spec && *spec != *cmk_spec;
    q.origin = r.String("Origin", {.enum_values = {"AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"}});
    q.multi_region = r.Bool("MultiRegion");
    q.tags = r.Tags("Tags", false).value_or(std::vector<Tag>{});
    r.String("CustomKeyStoreId", {.min = 1, .max = 64});
    r.String("XksKeyId", {.min = 1, .max = 128});
    q.bypass = r.Bool("BypassPolicyLockoutSafetyCheck");
  }

  static core::Status Validate(const Request& q) {
    // The two are synonyms (docs/spec/key-types.md section 2; the wording is kmslab's).
    if (q.conflicting_specs) {
      return ValidationError("KeySpec and CustomerMasterKeySpec name the same setting; send one, or the same value in both.");
    }
    const KeySpec spec = q.key_spec;
    if (spec != KeySpec::kSymmetricDefault && !q.key_usage) {
      return ValidationError(
          "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.");
    }
    const KeyUsage usage = UsageOf(q);
    if (!AllowsUsage(spec, usage)) {
      if (spec == KeySpec::kSymmetricDefault) {  // AWS's older wording for this case (section 15.2)
        return ValidationError("The operation failed because the KeyUsage value of the CMK is " +
                               std::string(Name(usage)) +
                               ". To perform this operation, the KeyUsage value must be ENCRYPT_DECRYPT.");
      }
      return ValidationError("KeyUsage " + std::string(Name(usage)) + " is not compatible with KeySpec " +
                             std::string(Name(spec)));
    }
    // AWS's answer where a spec is not offered: SM2 outside China; ML-DSA,
    // which OpenSSL 3.0 cannot do, the same way (docs/key-types.md).
    if (!CanGenerate(spec)) {
      return UnsupportedOperationError("KeySpec " + std::string(Name(spec)) + " is not supported in this Region");
    }
    if (const std::string origin = OriginOf(q); origin != "AWS_KMS" && origin != kOriginExternal) {
      return UnsupportedOperationError("Origin " + origin + " is not supported by kmslab; use AWS_KMS or EXTERNAL.");
    }
    RETURN_IF_ERROR(CheckTags(q.tags, q.tags.size()));
    if (q.policy) RETURN_IF_ERROR(ParseKeyPolicyDocument(*q.policy).status());
    return core::Status();
  }

  static KeyUsage UsageOf(const Request& q) { return q.key_usage.value_or(KeyUsage::kEncryptDecrypt); }
  static std::string OriginOf(const Request& q) { return q.origin.value_or("AWS_KMS"); }

  static core::Status Resolve(Service&, const CallContext&, Request& q, Plan& plan) {
    AuthzCheck& create = PlanIamOnly("kms:CreateKey", "*", plan, CheckRole::kCreate);
    policy::RequestContext& ctx = create.context;
    const std::string spec(Name(q.key_spec)), usage(Name(UsageOf(q)));
    ctx.Set("kms:KeySpec", spec);
    ctx.Set("kms:CustomerMasterKeySpec", spec);
    ctx.Set("kms:KeyUsage", usage);
    ctx.Set("kms:CustomerMasterKeyUsage", usage);
    ctx.Set("kms:KeyOrigin", OriginOf(q));
    SetMultiRegionConditionKeys(ctx, q.multi_region.value_or(false), store::MultiRegionKeyType::kPrimary);
    if (q.bypass) ctx.SetBool("kms:BypassPolicyLockoutSafetyCheck", *q.bypass);
    AddTagContext(create, q.tags);
    if (!q.tags.empty()) AddTagContext(PlanIamOnly("kms:TagResource", "*", plan, CheckRole::kTagging), q.tags);
    return core::Status();
  }

  static core::Status Execute(Service& service, const CallContext& call, const Request& q, const Plan&,
                              JsonOut& out) {
    store::KeyRow meta;
    meta.multi_region = q.multi_region.value_or(false);
    if (meta.multi_region) meta.multi_region_type = store::MultiRegionKeyType::kPrimary;
    meta.key_id = meta.multi_region ? NewMultiRegionKeyId() : core::NewUuid();
    meta.arn = core::KeyArn(call.region, call.caller->account, meta.key_id);
    meta.account = call.caller->account;
    meta.region = call.region;
    meta.created_ms = service.NowMillis();
    meta.description = q.description.value_or("");
    meta.origin = OriginOf(q);
    // Imported-material keys wait for their material (ImportKeyMaterial).
    meta.state = meta.origin == kOriginExternal ? store::KeyState::kPendingImport : store::KeyState::kEnabled;
    meta.key_usage = Name(UsageOf(q));
    meta.key_spec = Name(q.key_spec);
    meta.key_manager = "CUSTOMER";
    meta.policy = q.policy.value_or(DefaultKeyPolicy(call.caller->account));
    for (const Tag& tag : q.tags) meta.tags[tag.key] = tag.value;
    RETURN_IF_ERROR(CheckPolicyLockout(service, call, meta, q.policy, q.bypass.value_or(false)));
    ASSIGN_OR_RETURN(KeyPtr key, service.keys().Create(std::move(meta)));
    WriteKeyMetadata(out.Member("KeyMetadata"), *key, service.keys().Related(key->meta));
    return core::Status();
  }
};
}  // namespace

KMSLAB_KMS_OPERATION(CreateKey, CreateKeyOp);

}  // namespace kmslab::kms::ops
