// UpdateAlias: kms:UpdateAlias on the alias ARN (IAM only), on the key the
// alias points at now and on the new target.
#include "core/arn.h"
#include "kms/errors.h"
#include "kms/ops/aliases.h"
#include "kms/ops/common.h"

namespace kmslab::kms::ops {

namespace {
struct UpdateAliasOp {
  static constexpr const char* kName = "UpdateAlias";
  struct Request {
    std::string alias_name, target_key_id;
  };
  static void Read(RequestReader& r, Request& q) {
    q.alias_name = r.String("AliasName", kAliasNameRule).value_or("");
    q.target_key_id = r.String("TargetKeyId", kKeyIdRule).value_or("");
  }
  static core::Status Validate(const Request& q) { return CheckAliasName(q.alias_name, true); }
  static core::Status Resolve(Service& s, const CallContext& c, Request& q, Plan& plan) {
    std::string alias_arn = core::AliasArn(c.region, c.caller->account, q.alias_name);
    auto alias = s.keys().FindAlias(c.caller->account, c.region, q.alias_name);
    if (!alias) return AliasNotFoundError(alias_arn);
    PlanIamOnly("kms:UpdateAlias", alias_arn, plan, CheckRole::kAlias);
    RETURN_IF_ERROR(PlanKey(s, c, alias->key_id, KeyIdForms::kKeyOnly, "kms:UpdateAlias", KeyUse::kAnyState, plan,
                            CheckRole::kOldTarget)
                        .status());
    return PlanKey(s, c, q.target_key_id, KeyIdForms::kKeyOnly, "kms:UpdateAlias", KeyUse::kNotPendingDeletion, plan,
                   CheckRole::kTarget)
        .status();
  }
  static core::Status Execute(Service& s, const CallContext& c, const Request& q, const Plan& plan, JsonOut&) {
    auto alias = s.keys().FindAlias(c.caller->account, c.region, q.alias_name);
    if (!alias) return AliasNotFoundError(plan[CheckRole::kAlias].resource);
    alias->key_id = plan[CheckRole::kTarget].key->meta.key_id;
    alias->updated_ms = s.NowMillis();
    core::Status st = s.keys().PutAlias(*alias, false);
    return st.code() == core::Code::kNotFound ? AliasNotFoundError(plan[CheckRole::kAlias].resource) : st;
  }
};
}  // namespace

KMSLAB_KMS_OPERATION(UpdateAlias, UpdateAliasOp);

}  // namespace kmslab::kms::ops
