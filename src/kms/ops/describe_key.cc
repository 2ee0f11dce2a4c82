// DescribeKey: KeyMetadata of a key named by id, ARN, alias or alias ARN.
#include "kms/aws_managed_keys.h"
#include "kms/key_json.h"
#include "kms/ops/common.h"

namespace kmslab::kms::ops {

namespace {
struct DescribeKeyOp {
  static constexpr const char* kName = "DescribeKey";
  using Request = KeyIdRequest;
  static void Read(RequestReader& r, Request& q) { Request::Read(r, q); }
  static core::Status Resolve(Service& s, const CallContext& c, Request& q, Plan& plan) {
    plan.grant_tokens = q.grant_tokens;
    RETURN_IF_ERROR(EnsureAwsManagedKey(s.keys(), c, q.key_id, s.NowMillis()));
    return PlanKey(s, c, q.key_id, KeyIdForms::kKeyOrAlias, "kms:DescribeKey", KeyUse::kAnyState, plan).status();
  }
  static core::Status Execute(Service& s, const CallContext&, const Request&, const Plan& plan, JsonOut& out) {
    const Key& key = plan.key();
    WriteKeyMetadata(out.Member("KeyMetadata"), key, s.keys().Related(key.meta));
    return core::Status();
  }
};
}  // namespace

KMSLAB_KMS_OPERATION(DescribeKey, DescribeKeyOp);

}  // namespace kmslab::kms::ops
