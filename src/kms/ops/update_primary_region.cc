// UpdatePrimaryRegion: the replica in PrimaryRegion becomes the primary and
// the current primary its replica, at once (AWS passes both through Updating).
// Authorized as kms:UpdatePrimaryRegion on both keys, each by its own key
// policy (kms:PrimaryRegion); the output is empty.
#include "core/arn.h"
#include "kms/errors.h"
#include "kms/multi_region.h"
#include "kms/ops/common.h"

namespace kmslab::kms::ops {

namespace {
struct UpdatePrimaryRegionOp {
  static constexpr const char* kName = "UpdatePrimaryRegion";
  struct Request {
    std::string key_id, primary_region;
  };

  static void Read(RequestReader& r, Request& q) {
    q.key_id = r.String("KeyId", kKeyIdRule).value_or("");
    q.primary_region = r.String("PrimaryRegion", {.required = true, .min = 1, .max = 32}).value_or("");
  }

  static core::Status Validate(const Request& q) {
    if (!IsRegionPattern(q.primary_region)) return RegionPatternError(q.primary_region, "primaryRegion");
    return core::Status();
  }

  static core::Status Resolve(Service& s, const CallContext& c, Request& q, Plan& plan) {
    ASSIGN_OR_RETURN(KeyPtr primary, PlanKey(s, c, q.key_id, KeyIdForms::kKeyOnly, "kms:UpdatePrimaryRegion",
                                             KeyUse::kCryptographic, plan));
    plan[CheckRole::kKey].context.Set("kms:PrimaryRegion", q.primary_region);
    // A key that is not a primary, or its own Region, is refused after
    // authorization (Execute); otherwise the target replica must exist.
    const store::KeyRow& m = primary->meta;
    if (!IsPrimary(m) || q.primary_region == m.region) return core::Status();
    KeyPtr target = s.keys().Find(q.primary_region, m.key_id);
    if (!target || target->meta.account != m.account) {
      return KeyNotFoundError(core::KeyArn(q.primary_region, m.account, m.key_id));
    }
    AuthzCheck& replica = plan.checks.emplace_back(
        AuthzCheck{"kms:UpdatePrimaryRegion", target->meta.arn, target, KeyUse::kCryptographic, ""});
    replica.role = CheckRole::kReplica;
    replica.region = q.primary_region;
    replica.context.Set("kms:PrimaryRegion", q.primary_region);
    return core::Status();
  }

  static core::Status Execute(Service& s, const CallContext&, const Request& q, const Plan& plan, JsonOut&) {
    const store::KeyRow& primary = plan[CheckRole::kKey].key->meta;
    if (!IsPrimary(primary)) return NotMultiRegionPrimaryError(primary.arn);
    if (q.primary_region == primary.region) {
      return ValidationError("The primary key " + primary.arn + " is already in Region " + q.primary_region + ".");
    }
    core::Status swapped = s.keys().SwapPrimary(primary.region, primary.key_id, q.primary_region);
    if (swapped.code() == core::Code::kFailedPrecondition) return NotMultiRegionPrimaryError(primary.arn);
    return swapped;
  }
};
}  // namespace

KMSLAB_KMS_OPERATION(UpdatePrimaryRegion, UpdatePrimaryRegionOp);

}  // namespace kmslab::kms::ops
