// ScheduleKeyDeletion (7-30 days, default 30) and CancelKeyDeletion (the key
// returns Disabled, or PendingImport without key material). The registry
// deletes the key when the date passes; a multi-Region primary with replicas
// waits in PendingReplicaDeletion first.
#include "kms/errors.h"
#include "kms/multi_region.h"
#include "kms/ops/common.h"

namespace kmslab::kms::ops {

namespace {
struct ScheduleKeyDeletionOp {
  static constexpr const char* kName = "ScheduleKeyDeletion";
  struct Request {
    std::string key_id;
    int64_t days = 30;
  };
  static void Read(RequestReader& r, Request& q) {
    q.key_id = r.String("KeyId", kKeyIdRule).value_or("");
    q.days = r.Int("PendingWindowInDays", {.min = 1, .max = 365}).value_or(30);
  }
  // The model allows 1-365 days; the service takes 7-30.
  static core::Status Validate(const Request& q) {
    if (q.days >= 7 && q.days <= 30) return core::Status();
    return ValidationError("1 validation error detected: Value '" + std::to_string(q.days) +
                           "' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value " +
                           (q.days < 7 ? "greater than or equal to 7" : "less than or equal to 30"));
  }
  static core::Status Resolve(Service& s, const CallContext& c, Request& q, Plan& plan) {
    RETURN_IF_ERROR(
        PlanKey(s, c, q.key_id, KeyIdForms::kKeyOnly, "kms:ScheduleKeyDeletion", KeyUse::kNotPendingDeletion, plan).status());
    plan[CheckRole::kKey].context.Set("kms:ScheduleKeyDeletionPendingWindowInDays", std::to_string(q.days));
    return core::Status();
  }
  static core::Status Execute(Service& s, const CallContext&, const Request& q, const Plan& plan, JsonOut& out) {
    const int64_t deletion_ms = s.NowMillis() + q.days * kDayMillis;
    ASSIGN_OR_RETURN(KeyPtr key, UpdatePlannedKey(s, plan, [&](store::KeyRow& m) {
                       // A primary waits for its replicas' deletion before its
                       // own window starts (the registry starts it).
                       const bool waits = IsPrimary(m) && s.keys().Related(m).size() > 1;
                       m.state = waits ? store::KeyState::kPendingReplicaDeletion : store::KeyState::kPendingDeletion;
                       m.deletion_ms = waits ? 0 : deletion_ms;
                       m.pending_window_days = static_cast<int>(q.days);
                       return core::Status();
                     }));
    out.Str("KeyId", key->meta.arn);
    if (key->meta.deletion_ms) out.Date("DeletionDate", deletion_ms);
    out.Str("KeyState", store::KeyStateName(key->meta.state)).Int("PendingWindowInDays", q.days);
    return core::Status();
  }
};

struct CancelKeyDeletionOp {
  static constexpr const char* kName = "CancelKeyDeletion";
  struct Request {
    std::string key_id;
  };
  static void Read(RequestReader& r, Request& q) { q.key_id = r.String("KeyId", kKeyIdRule).value_or(""); }
  static core::Status Resolve(Service& s, const CallContext& c, Request& q, Plan& plan) {
    return PlanKey(s, c, q.key_id, KeyIdForms::kKeyOnly, "kms:CancelKeyDeletion", KeyUse::kPendingDeletionOnly,
                   plan)
        .status();
  }
  static core::Status Execute(Service& s, const CallContext&, const Request&, const Plan& plan, JsonOut& out) {
    // A key without key material (origin EXTERNAL) returns to PendingImport.
    const Key& planned = plan.key();
    const bool held = planned.has_material() && planned.current().held();
    ASSIGN_OR_RETURN(KeyPtr key, UpdatePlannedKey(s, plan, [&](store::KeyRow& m) {
                       m.state = held ? store::KeyState::kDisabled : store::KeyState::kPendingImport;
                       m.deletion_ms = 0;
                       m.pending_window_days = 0;
                       return core::Status();
                     }));
    out.Str("KeyId", key->meta.arn);
    return core::Status();
  }
};
}  // namespace

KMSLAB_KMS_OPERATION(ScheduleKeyDeletion, ScheduleKeyDeletionOp);
KMSLAB_KMS_OPERATION(CancelKeyDeletion, CancelKeyDeletionOp);

}  // namespace kmslab::kms::ops
