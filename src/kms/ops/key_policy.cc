// GetKeyPolicy, PutKeyPolicy and ListKeyPolicies. A key has one policy,
// named "default". PutKeyPolicy validates the document and applies the
// lockout safety check unless BypassPolicyLockoutSafetyCheck.
#include "kms/errors.h"
#include "kms/ops/common.h"

namespace kmslab::kms::ops {

namespace {
constexpr StrRule kPolicyNameRule{.min = 1, .max = 128};

core::Status CheckPolicyName(const std::optional<std::string>& name) {
  if (!name || *name == "default") return core::Status();
  return NotFoundError("No such policy exists");
}

struct GetKeyPolicyOp {
  static constexpr const char* kName = "GetKeyPolicy";
  struct Request {
    std::string key_id;
    std::optional<std::string> policy_name;
  };
  static void Read(RequestReader& r, Request& q) {
    q.key_id = r.String("KeyId", kKeyIdRule).value_or("");
    q.policy_name = r.String("PolicyName", kPolicyNameRule);
  }
  static core::Status Resolve(Service& s, const CallContext& c, Request& q, Plan& plan) {
    return PlanKey(s, c, q.key_id, KeyIdForms::kKeyOnly, "kms:GetKeyPolicy", KeyUse::kAnyState, plan).status();
  }
  static core::Status Execute(Service&, const CallContext&, const Request& q, const Plan& plan, JsonOut& out) {
    RETURN_IF_ERROR(CheckPolicyName(q.policy_name));
    out.Str("Policy", plan[CheckRole::kKey].key->meta.policy).Str("PolicyName", "default");
    return core::Status();
  }
};

struct PutKeyPolicyOp {
  static constexpr const char* kName = "PutKeyPolicy";
  struct Request {
    std::string key_id, policy;
    std::optional<std::string> policy_name;
    std::optional<bool> bypass;
  };
  static void Read(RequestReader& r, Request& q) {
    q.key_id = r.String("KeyId", kKeyIdRule).value_or("");
    q.policy = r.String("Policy", {.required = true, .min = 1, .max = 32768}).value_or("");
    q.policy_name = r.String("PolicyName", kPolicyNameRule);
    q.bypass = r.Bool("BypassPolicyLockoutSafetyCheck");
  }
  static core::Status Resolve(Service& s, const CallContext& c, Request& q, Plan& plan) {
    ASSIGN_OR_RETURN(KeyPtr key, PlanKey(s, c, q.key_id, KeyIdForms::kKeyOnly, "kms:PutKeyPolicy",
                                         KeyUse::kAnyState, plan));
    if (q.bypass) plan[CheckRole::kKey].context.SetBool("kms:BypassPolicyLockoutSafetyCheck", *q.bypass);
    return core::Status();
  }
  static core::Status Execute(Service& s, const CallContext& c, const Request& q, const Plan& plan, JsonOut&) {
    RETURN_IF_ERROR(CheckPolicyName(q.policy_name));
    ASSIGN_OR_RETURN(auto parsed, ParseKeyPolicyDocument(q.policy));
    if (!q.bypass.value_or(false) && !s.authorizer().AllowsPolicyUpdate(c, plan[CheckRole::kKey].key->meta, parsed)) {
      return MalformedPolicyError("The new key policy will not allow you to update the key policy in the future.");
    }
    return UpdatePlannedKey(s, plan, [&](store::KeyRow& m) {
             m.policy = q.policy;
             return core::Status();
           })
        .status();
  }
};

struct ListKeyPoliciesOp {
  static constexpr const char* kName = "ListKeyPolicies";
  struct Request {
    std::string key_id;
  };
  static void Read(RequestReader& r, Request& q) {
    q.key_id = r.String("KeyId", kKeyIdRule).value_or("");
    r.Int("Limit", {.min = 1, .max = 1000});
    r.String("Marker", kMarkerRule);
  }
  static core::Status Resolve(Service& s, const CallContext& c, Request& q, Plan& plan) {
    return PlanKey(s, c, q.key_id, KeyIdForms::kKeyOnly, "kms:ListKeyPolicies", KeyUse::kAnyState, plan).status();
  }
  static core::Status Execute(Service&, const CallContext&, const Request&, const Plan&, JsonOut& out) {
    auto& w = out.Member("PolicyNames");
    w.StartArray();
    w.String("default");
    w.EndArray();
    out.Bool("Truncated", false);
    return core::Status();
  }
};
}  // namespace

KMSLAB_KMS_OPERATION(GetKeyPolicy, GetKeyPolicyOp);
KMSLAB_KMS_OPERATION(PutKeyPolicy, PutKeyPolicyOp);
KMSLAB_KMS_OPERATION(ListKeyPolicies, ListKeyPoliciesOp);

}  // namespace kmslab::kms::ops
