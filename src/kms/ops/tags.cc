// TagResource, UntagResource and ListResourceTags on a key.
#include "kms/ops/common.h"

namespace kmslab::kms::ops {

namespace {
struct TagResourceOp {
  static constexpr const char* kName = "TagResource";
  struct Request {
    std::string key_id;
    std::vector<Tag> tags;
  };
  static void Read(RequestReader& r, Request& q) {
    q.key_id = r.String("KeyId", kKeyIdRule).value_or("");
    q.tags = r.Tags("Tags", true).value_or(std::vector<Tag>{});
  }
  static core::Status Validate(const Request& q) { return CheckTags(q.tags, 0); }
  static core::Status Resolve(Service& s, const CallContext& c, Request& q, Plan& plan) {
    RETURN_IF_ERROR(
        PlanKey(s, c, q.key_id, KeyIdForms::kKeyOnly, "kms:TagResource", KeyUse::kNotPendingDeletion, plan).status());
    AddTagContext(plan[CheckRole::kKey], q.tags);
    return core::Status();
  }
  static core::Status Execute(Service& s, const CallContext&, const Request& q, const Plan& plan, JsonOut&) {
    return UpdatePlannedKey(s, plan, [&](store::KeyRow& m) {
             for (const Tag& tag : q.tags) m.tags[tag.key] = tag.value;
             return CheckTags({}, m.tags.size());
           })
        .status();
  }
};

struct UntagResourceOp {
  static constexpr const char* kName = "UntagResource";
  struct Request {
    std::string key_id;
    std::vector<std::string> tag_keys;
  };
  static void Read(RequestReader& r, Request& q) {
    q.key_id = r.String("KeyId", kKeyIdRule).value_or("");
    q.tag_keys = r.StringList("TagKeys", {.required = true, .item_min = 1, .item_max = 128})
                     .value_or(std::vector<std::string>{});
  }
  static core::Status Resolve(Service& s, const CallContext& c, Request& q, Plan& plan) {
    RETURN_IF_ERROR(
        PlanKey(s, c, q.key_id, KeyIdForms::kKeyOnly, "kms:UntagResource", KeyUse::kNotPendingDeletion, plan).status());
    if (!q.tag_keys.empty()) plan[CheckRole::kKey].context.SetList("aws:TagKeys", q.tag_keys);
    return core::Status();
  }
  static core::Status Execute(Service& s, const CallContext&, const Request& q, const Plan& plan, JsonOut&) {
    return UpdatePlannedKey(s, plan, [&](store::KeyRow& m) {
             for (const auto& k : q.tag_keys) m.tags.erase(k);
             return core::Status();
           })
        .status();
  }
};

struct ListResourceTagsOp {
  static constexpr const char* kName = "ListResourceTags";
  struct Request {
    std::string key_id;
    int64_t limit = 50;
    std::optional<std::string> marker;
  };
  static void Read(RequestReader& r, Request& q) {
    q.key_id = r.String("KeyId", kKeyIdRule).value_or("");
    q.limit = r.Int("Limit", {.min = 1, .max = 50}).value_or(50);
    q.marker = r.String("Marker", kMarkerRule);
  }
  static core::Status Resolve(Service& s, const CallContext& c, Request& q, Plan& plan) {
    return PlanKey(s, c, q.key_id, KeyIdForms::kKeyOnly, "kms:ListResourceTags", KeyUse::kAnyState, plan).status();
  }
  static core::Status Execute(Service&, const CallContext&, const Request& q, const Plan& plan, JsonOut& out) {
    const auto& tags = plan[CheckRole::kKey].key->meta.tags;
    std::vector<std::string> keys;
    for (const auto& [k, v] : tags) keys.push_back(k);
    ASSIGN_OR_RETURN(Page page, Paginate(keys, q.marker, static_cast<size_t>(q.limit)));
    auto& w = out.Member("Tags");
    w.StartArray();
    for (size_t i = page.begin; i < page.end; ++i) {
      w.StartObject();
      w.Key("TagKey");
      w.String(keys[i].c_str());
      w.Key("TagValue");
      w.String(tags.at(keys[i]).c_str());
      w.EndObject();
    }
    w.EndArray();
    WritePageEnd(out, page);
    return core::Status();
  }
};
}  // namespace

KMSLAB_KMS_OPERATION(TagResource, TagResourceOp);
KMSLAB_KMS_OPERATION(UntagResource, UntagResourceOp);
KMSLAB_KMS_OPERATION(ListResourceTags, ListResourceTagsOp);

}  // namespace kmslab::kms::ops
