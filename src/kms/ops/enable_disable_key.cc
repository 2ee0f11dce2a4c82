// EnableKey and DisableKey: Enabled <-> Disabled; both succeed when the key
// is already in the target state.
#include "kms/ops/common.h"

namespace kmslab::kms::ops {

namespace {
template <bool kEnable>
struct SetEnabledOp {
  static constexpr const char* kName = kEnable ? "EnableKey" : "DisableKey";
  struct Request {
    std::string key_id;
  };
  static void Read(RequestReader& r, Request& q) { q.key_id = r.String("KeyId", kKeyIdRule).value_or(""); }
  static core::Status Resolve(Service& s, const CallContext& c, Request& q, Plan& plan) {
    return PlanKey(s, c, q.key_id, KeyIdForms::kKeyOnly, kEnable ? "kms:EnableKey" : "kms:DisableKey",
                   KeyUse::kManagement, plan)
        .status();
  }
  static core::Status Execute(Service& s, const CallContext&, const Request&, const Plan& plan, JsonOut&) {
    return UpdatePlannedKey(s, plan, [](store::KeyRow& m) {
             m.state = kEnable ? store::KeyState::kEnabled : store::KeyState::kDisabled;
             return core::Status();
           })
        .status();
  }
};
}  // namespace

KMSLAB_KMS_OPERATION(EnableKey, SetEnabledOp<true>);
KMSLAB_KMS_OPERATION(DisableKey, SetEnabledOp<false>);

}  // namespace kmslab::kms::ops
