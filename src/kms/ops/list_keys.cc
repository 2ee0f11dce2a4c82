// ListKeys: the caller's keys in this region, paged (IAM-only authorization).
#include "kms/ops/common.h"

namespace kmslab::kms::ops {

namespace {
struct ListKeysOp {
  static constexpr const char* kName = "ListKeys";
  struct Request {
    int64_t limit = 100;
    std::optional<std::string> marker;
  };
  static void Read(RequestReader& r, Request& q) {
    q.limit = r.Int("Limit", {.min = 1, .max = 1000}).value_or(100);
    q.marker = r.String("Marker", kMarkerRule);
  }
  static core::Status Resolve(Service&, const CallContext&, Request&, Plan& plan) {
    PlanIamOnly("kms:ListKeys", "*", plan);
    return core::Status();
  }
  static core::Status Execute(Service& s, const CallContext& c, const Request& q, const Plan&, JsonOut& out) {
    std::vector<KeyPtr> keys = s.keys().List(c.caller->account, c.region);
    std::vector<std::string> ids;
    for (const auto& k : keys) ids.push_back(k->meta.key_id);
    ASSIGN_OR_RETURN(Page page, Paginate(ids, q.marker, static_cast<size_t>(q.limit)));
    auto& w = out.Member("Keys");
    w.StartArray();
    for (size_t i = page.begin; i < page.end; ++i) {
      w.StartObject();
      w.Key("KeyId");
      w.String(keys[i]->meta.key_id.c_str());
      w.Key("KeyArn");
      w.String(keys[i]->meta.arn.c_str());
      w.EndObject();
    }
    w.EndArray();
    WritePageEnd(out, page);
    return core::Status();
  }
};
}  // namespace

KMSLAB_KMS_OPERATION(ListKeys, ListKeysOp);

}  // namespace kmslab::kms::ops
