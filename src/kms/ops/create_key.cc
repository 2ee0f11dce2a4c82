// CreateKey: a symmetric encryption key (SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT),
// single-Region or the primary of a multi-Region key (multi_region.h).
// IAM-only authorization (kms:CreateKey, plus kms:TagResource with Tags).
#include "core/arn.h"
#include "core/random.h"
#include "kms/errors.h"
#include "kms/key_json.h"
#include "kms/multi_region.h"
#include "kms/ops/common.h"
#include "kms/policies.h"

namespace kmslab::kms::ops {

namespace {
const std::vector<const char*> kKeySpecs = {"RSA_2048",        "ECC_NIST_P384", "ECC_NIST_P256", "ECC_NIST_P521",
                                            "HMAC_384",        "RSA_3072",      "ECC_SECG_P256K1", "RSA_4096",
                                            "SYMMETRIC_DEFAULT", "HMAC_256",    "HMAC_224",      "HMAC_512",
                                            "SM2",             "ML_DSA_44",     "ML_DSA_65",     "ML_DSA_87",
                                            "ECC_NIST_EDWARDS25519"};

struct CreateKeyOp {
  static constexpr const char* kName = "CreateKey";
  struct Request {
    std::optional<std::string> policy, description, key_usage, key_spec, origin;
    std::optional<bool> multi_region, bypass;
    std::vector<Tag> tags;
  };

  static void Read(RequestReader& r, Request& q) {
    q.policy = r.String("Policy", {.min = 1, .max = 32768});
    q.description = r.String("Description", {.max = 8192});
    q.key_usage = r.String("KeyUsage", {.enum_values = {"SIGN_VERIFY", "ENCRYPT_DECRYPT", "GENERATE_VERIFY_MAC",
                                                         "KEY_AGREEMENT"}});
    auto cmk_spec = r.String("CustomerMasterKeySpec", {.enum_values = kKeySpecs});
    q.key_spec = r.String("KeySpec", {.enum_values = kKeySpecs});
    if (!q.key_spec) q.key_spec = cmk_spec;
    q.origin = r.String("Origin", {.enum_values = {"AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"}});
    q.multi_region = r.Bool("MultiRegion");
    q.tags = r.Tags("Tags", false).value_or(std::vector<Tag>{});
    r.String("CustomKeyStoreId", {.min = 1, .max = 64});
    r.String("XksKeyId", {.min = 1, .max = 128});
    q.bypass = r.Bool("BypassPolicyLockoutSafetyCheck");
  }

  static core::Status Validate(const Request& q) {
    const std::string spec = q.key_spec.value_or("SYMMETRIC_DEFAULT");
    if (spec != "SYMMETRIC_DEFAULT" && !q.key_usage) {
      return ValidationError(
          "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.");
    }
    const std::string usage = q.key_usage.value_or("ENCRYPT_DECRYPT");
    if (spec == "SYMMETRIC_DEFAULT" && usage != "ENCRYPT_DECRYPT") {
      return ValidationError("KeyUsage " + usage + " is not compatible with KeySpec " + spec);
    }
    if (spec != "SYMMETRIC_DEFAULT") {
      return UnsupportedOperationError("KeySpec " + spec + " is not supported by kmslab; use SYMMETRIC_DEFAULT.");
    }
    if (q.origin.value_or("AWS_KMS") != "AWS_KMS") {
      return UnsupportedOperationError("Origin " + *q.origin + " is not supported by kmslab; use AWS_KMS.");
    }
    RETURN_IF_ERROR(CheckTags(q.tags, q.tags.size()));
    if (q.policy) RETURN_IF_ERROR(ParseKeyPolicyDocument(*q.policy).status());
    return core::Status();
  }

  static core::Status Resolve(Service&, const CallContext&, Request& q, Plan& plan) {
    PlanIamOnly("kms:CreateKey", "*", plan);
    policy::RequestContext& ctx = plan.checks[0].context;
    ctx.Set("kms:KeySpec", q.key_spec.value_or("SYMMETRIC_DEFAULT"));
    ctx.Set("kms:CustomerMasterKeySpec", q.key_spec.value_or("SYMMETRIC_DEFAULT"));
    ctx.Set("kms:KeyUsage", q.key_usage.value_or("ENCRYPT_DECRYPT"));
    ctx.Set("kms:CustomerMasterKeyUsage", q.key_usage.value_or("ENCRYPT_DECRYPT"));
    ctx.Set("kms:KeyOrigin", q.origin.value_or("AWS_KMS"));
    SetMultiRegionConditionKeys(ctx, q.multi_region.value_or(false), store::MultiRegionKeyType::kPrimary);
    if (q.bypass) ctx.SetBool("kms:BypassPolicyLockoutSafetyCheck", *q.bypass);
    AddTagContext(plan.checks[0], q.tags);
    if (!q.tags.empty()) {
      PlanIamOnly("kms:TagResource", "*", plan);
      AddTagContext(plan.checks[1], q.tags);
    }
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
    meta.state = "Enabled";
    meta.key_usage = "ENCRYPT_DECRYPT";
    meta.key_spec = "SYMMETRIC_DEFAULT";
    meta.origin = "AWS_KMS";
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

Reply CreateKey(Service& s, const CallContext& c, const rapidjson::Value& b) {
  return RunOperation<CreateKeyOp>(s, c, b);
}

}  // namespace kmslab::kms::ops
