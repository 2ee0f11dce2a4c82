// CreateAlias: kms:CreateAlias on the alias ARN (IAM only) and on the target
// key (key policy).
#include "core/arn.h"
#include "kms/errors.h"
#include "kms/ops/aliases.h"
#include "kms/ops/common.h"

namespace kmslab::kms::ops {

namespace {
struct CreateAliasOp {
  static constexpr const char* kName = "CreateAlias";
  struct Request {
    std::string alias_name, target_key_id;
  };
  static void Read(RequestReader& r, Request& q) {
    q.alias_name = r.String("AliasName", kAliasNameRule).value_or("");
    q.target_key_id = r.String("TargetKeyId", kKeyIdRule).value_or("");
  }
  static core::Status Validate(const Request& q) { return CheckAliasName(q.alias_name, true); }
  static core::Status Resolve(Service& s, const CallContext& c, Request& q, Plan& plan) {
    PlanIamOnly("kms:CreateAlias", core::AliasArn(c.region, c.caller->account, q.alias_name), plan, CheckRole::kAlias);
    return PlanKey(s, c, q.target_key_id, KeyIdForms::kKeyOnly, "kms:CreateAlias", KeyUse::kNotPendingDeletion, plan,
                   CheckRole::kTarget)
        .status();
  }
  static core::Status Execute(Service& s, const CallContext& c, const Request& q, const Plan& plan, JsonOut&) {
    const int64_t now = s.NowMillis();
    core::Status st =
        s.keys().PutAlias({c.caller->account, c.region, q.alias_name, plan[CheckRole::kTarget].key->meta.key_id, now, now}, true);
    if (st.code() == core::Code::kAlreadyExists) {
      return AlreadyExistsError("An alias with the name " + plan[CheckRole::kAlias].resource + " already exists");
    }
    return st;
  }
};
}  // namespace

KMSLAB_KMS_OPERATION(CreateAlias, CreateAliasOp);

}  // namespace kmslab::kms::ops
