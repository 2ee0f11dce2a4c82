// ReplicateKey: a replica of a multi-Region primary key in another Region of
// the same account, holding all of the primary's key material. Authorized as
// kms:ReplicateKey on the primary (key policy, kms:ReplicaRegion) and as IAM
// kms:CreateKey (+ kms:TagResource with Tags) in the replica Region.
#include "core/arn.h"
#include "kms/errors.h"
#include "kms/key_json.h"
#include "kms/multi_region.h"
#include "kms/ops/common.h"
#include "kms/policies.h"
#include "kms/policy_authorizer.h"

namespace kmslab::kms::ops {

namespace {
struct ReplicateKeyOp {
  static constexpr const char* kName = "ReplicateKey";
  struct Request {
    std::string key_id, replica_region;
    std::optional<std::string> policy, description;
    std::optional<bool> bypass;
    std::vector<Tag> tags;
  };

  static void Read(RequestReader& r, Request& q) {
    q.key_id = r.String("KeyId", kKeyIdRule).value_or("");
    q.replica_region = r.String("ReplicaRegion", {.required = true, .min = 1, .max = 32}).value_or("");
    q.policy = r.String("Policy", {.min = 1, .max = 131072});
    q.bypass = r.Bool("BypassPolicyLockoutSafetyCheck");
    q.description = r.String("Description", {.max = 8192});
    q.tags = r.Tags("Tags", false).value_or(std::vector<Tag>{});
  }

  static core::Status Validate(const Request& q) {
    if (!IsRegionPattern(q.replica_region)) return RegionPatternError(q.replica_region, "replicaRegion");
    RETURN_IF_ERROR(CheckTags(q.tags, q.tags.size()));
    if (q.policy) RETURN_IF_ERROR(ParseKeyPolicyDocument(*q.policy).status());
    return core::Status();
  }

  // The replica to create, as CreateKey in its Region would see it.
  static store::KeyRow ReplicaOf(const store::KeyRow& primary, const Request& q, int64_t now_ms) {
    store::KeyRow m;
    m.key_id = primary.key_id;
    m.arn = core::KeyArn(q.replica_region, primary.account, primary.key_id);
    m.account = primary.account;
    m.region = q.replica_region;
    m.created_ms = now_ms;
    m.description = q.description.value_or("");
    m.state = store::KeyState::kEnabled;  // AWS answers Creating, then settles (docs/spec/key-types.md section 15, switch 6)
    m.key_usage = primary.key_usage;
    m.key_spec = primary.key_spec;
    m.origin = primary.origin;
    m.key_manager = primary.key_manager;
    m.policy = q.policy.value_or(DefaultKeyPolicy(primary.account));
    m.multi_region = true;
    m.multi_region_type = store::MultiRegionKeyType::kReplica;
    for (const Tag& tag : q.tags) m.tags[tag.key] = tag.value;
    return m;
  }

  static core::Status Resolve(Service& s, const CallContext& c, Request& q, Plan& plan) {
    ASSIGN_OR_RETURN(KeyPtr primary, PlanKey(s, c, q.key_id, KeyIdForms::kKeyOnly, "kms:ReplicateKey",
                                             KeyUse::kCryptographic, plan));
    plan[CheckRole::kKey].context.Set("kms:ReplicaRegion", q.replica_region);
    // IAM alone decides the replica's creation, in the replica Region.
    AuthzCheck& create = PlanIamOnly("kms:CreateKey", "*", plan, CheckRole::kCreate);
    create.region = q.replica_region;
    SetKeyPropertyConditionKeys(create.context, ReplicaOf(primary->meta, q, 0));
    if (q.bypass) create.context.SetBool("kms:BypassPolicyLockoutSafetyCheck", *q.bypass);
    AddTagContext(create, q.tags);
    if (!q.tags.empty()) {
      AuthzCheck& tagging = PlanIamOnly("kms:TagResource", "*", plan, CheckRole::kTagging);
      tagging.region = q.replica_region;
      AddTagContext(tagging, q.tags);
    }
    return core::Status();
  }

  static core::Status Execute(Service& s, const CallContext& c, const Request& q, const Plan& plan, JsonOut& out) {
    const store::KeyRow& primary = plan[CheckRole::kKey].key->meta;
    if (!IsPrimary(primary)) return NotMultiRegionPrimaryError(primary.arn);
    store::KeyRow meta = ReplicaOf(primary, q, s.NowMillis());
    const std::string replica_arn = meta.arn;
    RETURN_IF_ERROR(CheckPolicyLockout(s, c, meta, q.policy, q.bypass.value_or(false)));
    auto created = s.keys().CreateReplica(primary.region, std::move(meta));
    if (created.status().code() == core::Code::kAlreadyExists) return AlreadyExistsError(replica_arn + " already exists");
    if (created.status().code() == core::Code::kFailedPrecondition) return NotMultiRegionPrimaryError(primary.arn);
    RETURN_IF_ERROR(created.status());
    const KeyPtr& replica = *created;
    // The answer shows the replica as it starts: Creating, no material yet.
    Key creating;
    creating.meta = replica->meta;
    creating.meta.state = store::KeyState::kCreating;
    WriteKeyMetadata(out.Member("ReplicaKeyMetadata"), creating, s.keys().Related(replica->meta));
    out.Str("ReplicaPolicy", replica->meta.policy);
    if (!q.tags.empty()) {
      auto& w = out.Member("ReplicaTags");
      w.StartArray();
      for (const Tag& tag : q.tags) {
        w.StartObject();
        w.Key("TagKey");
        w.String(tag.key.data(), static_cast<rapidjson::SizeType>(tag.key.size()));
        w.Key("TagValue");
        w.String(tag.value.data(), static_cast<rapidjson::SizeType>(tag.value.size()));
        w.EndObject();
      }
      w.EndArray();
    }
    return core::Status();
  }
};
}  // namespace

KMSLAB_KMS_OPERATION(ReplicateKey, ReplicateKeyOp);

}  // namespace kmslab::kms::ops
