// UpdateKeyDescription: replaces a key's description.
#include "kms/ops/common.h"

namespace kmslab::kms::ops {

namespace {
struct UpdateKeyDescriptionOp {
  static constexpr const char* kName = "UpdateKeyDescription";
  struct Request {
    std::string key_id, description;
  };
  static void Read(RequestReader& r, Request& q) {
    q.key_id = r.String("KeyId", kKeyIdRule).value_or("");
    q.description = r.String("Description", {.required = true, .max = 8192}).value_or("");
  }
  static core::Status Resolve(Service& s, const CallContext& c, Request& q, Plan& plan) {
    return PlanKey(s, c, q.key_id, KeyIdForms::kKeyOnly, "kms:UpdateKeyDescription", KeyUse::kAnyState, plan)
        .status();
  }
  static core::Status Execute(Service& s, const CallContext&, const Request& q, const Plan& plan, JsonOut&) {
    return UpdatePlannedKey(s, plan, [&](store::KeyRow& m) {
             m.description = q.description;
             return core::Status();
           })
        .status();
  }
};
}  // namespace

KMSLAB_KMS_OPERATION(UpdateKeyDescription, UpdateKeyDescriptionOp);

}  // namespace kmslab::kms::ops
