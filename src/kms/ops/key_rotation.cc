// Automatic rotation: EnableKeyRotation (period 90-2560 days, default 365),
// DisableKeyRotation and GetKeyRotationStatus. The registry rotates a key
// when its NextRotationDate passes. Only symmetric encryption keys of origin
// AWS_KMS rotate automatically.
#include "kms/errors.h"
#include "kms/key_import.h"
#include "kms/multi_region.h"
#include "kms/ops/common.h"

namespace kmslab::kms::ops {

namespace {
// Enable/DisableKeyRotation's key: a key of origin EXTERNAL gets the origin
// refusal in any state, so its key-state rule gives way (section 10).
core::Status PlanRotationSetting(Service& s, const CallContext& c, const std::string& key_id, const char* action,
                                 Plan& plan) {
  ASSIGN_OR_RETURN(KeyPtr key, PlanKey(s, c, key_id, KeyIdForms::kKeyOnly, action, KeyUse::kCryptographic, plan));
  if (key->meta.origin == kOriginExternal) plan[CheckRole::kKey].use = KeyUse::kAnyState;
  return core::Status();
}

core::Status CheckAutoRotatable(const Key& key) {
  if (key.meta.origin == kOriginExternal) return OriginNotValidError(key.meta.arn, key.meta.origin);
  return CheckRotatable(key);
}

struct EnableKeyRotationOp {
  static constexpr const char* kName = "EnableKeyRotation";
  struct Request {
    std::string key_id;
    int64_t period_days = 365;
  };
  static void Read(RequestReader& r, Request& q) {
    q.key_id = r.String("KeyId", kKeyIdRule).value_or("");
    q.period_days = r.Int("RotationPeriodInDays", {.min = 90, .max = 2560}).value_or(365);
  }
  static core::Status Resolve(Service& s, const CallContext& c, Request& q, Plan& plan) {
    return PlanRotationSetting(s, c, q.key_id, "kms:EnableKeyRotation", plan);
  }
  static core::Status Execute(Service& s, const CallContext&, const Request& q, const Plan& plan, JsonOut&) {
    RETURN_IF_ERROR(CheckAutoRotatable(plan.key()));
    RETURN_IF_ERROR(RefuseReplica(plan[CheckRole::kKey].key->meta));
    const int64_t next = s.NowMillis() + q.period_days * kDayMillis;
    return UpdatePlannedKey(s, plan, [&](store::KeyRow& m) {
             m.rotation_enabled = true;
             m.rotation_period_days = static_cast<int>(q.period_days);
             m.next_rotation_ms = next;
             return core::Status();
           })
        .status();
  }
};

struct DisableKeyRotationOp {
  static constexpr const char* kName = "DisableKeyRotation";
  struct Request {
    std::string key_id;
  };
  static void Read(RequestReader& r, Request& q) { q.key_id = r.String("KeyId", kKeyIdRule).value_or(""); }
  static core::Status Resolve(Service& s, const CallContext& c, Request& q, Plan& plan) {
    return PlanRotationSetting(s, c, q.key_id, "kms:DisableKeyRotation", plan);
  }
  static core::Status Execute(Service& s, const CallContext&, const Request&, const Plan& plan, JsonOut&) {
    RETURN_IF_ERROR(CheckAutoRotatable(plan.key()));
    RETURN_IF_ERROR(RefuseReplica(plan[CheckRole::kKey].key->meta));
    return UpdatePlannedKey(s, plan, [](store::KeyRow& m) {
             m.rotation_enabled = false;
             m.next_rotation_ms = 0;
             return core::Status();
           })
        .status();
  }
};

struct GetKeyRotationStatusOp {
  static constexpr const char* kName = "GetKeyRotationStatus";
  struct Request {
    std::string key_id;
  };
  static void Read(RequestReader& r, Request& q) { q.key_id = r.String("KeyId", kKeyIdRule).value_or(""); }
  static core::Status Resolve(Service& s, const CallContext& c, Request& q, Plan& plan) {
    return PlanKey(s, c, q.key_id, KeyIdForms::kKeyOnly, "kms:GetKeyRotationStatus", KeyUse::kAnyState, plan)
        .status();
  }
  static core::Status Execute(Service& s, const CallContext&, const Request&, const Plan& plan, JsonOut& out) {
    const KeyPtr& key = plan[CheckRole::kKey].key;
    if (key->meta.origin == kOriginExternal && key->meta.state == store::KeyState::kPendingImport) {
      return OriginNotValidError(key->meta.arn, key->meta.origin);
    }
    // Only a primary holds the rotation setting its replicas share.
    KeyPtr primary = IsReplica(key->meta) ? PrimaryOf(s.keys().Related(key->meta)) : nullptr;
    const store::KeyRow& m = (primary ? primary : key)->meta;
    out.Str("KeyId", key->meta.arn).Bool("KeyRotationEnabled", m.rotation_enabled);
    if (m.rotation_enabled) {
      out.Int("RotationPeriodInDays", m.rotation_period_days).Date("NextRotationDate", m.next_rotation_ms);
    }
    return core::Status();
  }
};
}  // namespace

KMSLAB_KMS_OPERATION(EnableKeyRotation, EnableKeyRotationOp);
KMSLAB_KMS_OPERATION(DisableKeyRotation, DisableKeyRotationOp);
KMSLAB_KMS_OPERATION(GetKeyRotationStatus, GetKeyRotationStatusOp);

}  // namespace kmslab::kms::ops
