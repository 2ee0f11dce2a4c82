// DeleteAlias: kms:DeleteAlias on the alias ARN (IAM only) and on its key.
#include "core/arn.h"
#include "kms/errors.h"
#include "kms/ops/aliases.h"
#include "kms/ops/common.h"

namespace kmslab::kms::ops {

namespace {
struct DeleteAliasOp {
  static constexpr const char* kName = "DeleteAlias";
  struct Request {
    std::string alias_name;
  };
  static void Read(RequestReader& r, Request& q) { q.alias_name = r.String("AliasName", kAliasNameRule).value_or(""); }
  static core::Status Validate(const Request& q) { return CheckAliasName(q.alias_name, true); }
  static core::Status Resolve(Service& s, const CallContext& c, Request& q, Plan& plan) {
    std::string alias_arn = core::AliasArn(c.region, c.caller->account, q.alias_name);
    auto alias = s.keys().FindAlias(c.caller->account, c.region, q.alias_name);
    if (!alias) return AliasNotFoundError(alias_arn);
    PlanIamOnly("kms:DeleteAlias", alias_arn, plan, CheckRole::kAlias);
    return PlanKey(s, c, alias->key_id, KeyIdForms::kKeyOnly, "kms:DeleteAlias", KeyUse::kAnyState, plan).status();
  }
  static core::Status Execute(Service& s, const CallContext& c, const Request& q, const Plan&, JsonOut&) {
    return s.keys().DeleteAlias(c.caller->account, c.region, q.alias_name);
  }
};
}  // namespace

KMSLAB_KMS_OPERATION(DeleteAlias, DeleteAliasOp);

}  // namespace kmslab::kms::ops
