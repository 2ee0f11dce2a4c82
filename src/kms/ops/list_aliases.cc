// ListAliases: the caller's aliases in this region, optionally of one key
// (IAM-only authorization).
#include "core/arn.h"
#include "kms/ops/common.h"

namespace kmslab::kms::ops {

namespace {
struct ListAliasesOp {
  static constexpr const char* kName = "ListAliases";
  struct Request {
    std::optional<std::string> key_id, marker;
    int64_t limit = 50;
  };
  static void Read(RequestReader& r, Request& q) {
    q.key_id = r.String("KeyId", {.min = 1, .max = 2048});
    q.limit = r.Int("Limit", {.min = 1, .max = 100}).value_or(50);
    q.marker = r.String("Marker", kMarkerRule);
  }
  static core::Status Resolve(Service& s, const CallContext& c, Request& q, Plan& plan) {
    PlanIamOnly("kms:ListAliases", "*", plan);
    if (!q.key_id) return core::Status();
    // The filter key must exist; it is not an authorization on the key.
    return ResolveKey(s.keys(), *q.key_id, KeyIdForms::kKeyOnly, c).status();
  }
  static core::Status Execute(Service& s, const CallContext& c, const Request& q, const Plan&, JsonOut& out) {
    std::optional<std::string> filter;
    if (q.key_id) filter = ResolveKey(s.keys(), *q.key_id, KeyIdForms::kKeyOnly, c)->key->meta.key_id;
    std::vector<store::AliasRow> aliases;
    for (auto& a : s.keys().ListAliases(c.caller->account, c.region))
      if (!filter || a.key_id == *filter) aliases.push_back(std::move(a));
    std::vector<std::string> names;
    for (const auto& a : aliases) names.push_back(a.name);
    ASSIGN_OR_RETURN(Page page, Paginate(names, q.marker, static_cast<size_t>(q.limit)));
    auto& w = out.Member("Aliases");
    w.StartArray();
    for (size_t i = page.begin; i < page.end; ++i) {
      const auto& a = aliases[i];
      std::string arn = core::AliasArn(a.region, a.account, a.name);
      w.StartObject();
      w.Key("AliasName");
      w.String(a.name.c_str());
      w.Key("AliasArn");
      w.String(arn.c_str());
      w.Key("TargetKeyId");
      w.String(a.key_id.c_str());
      w.Key("CreationDate");
      w.Double(static_cast<double>(a.created_ms) / 1000.0);
      w.Key("LastUpdatedDate");
      w.Double(static_cast<double>(a.updated_ms) / 1000.0);
      w.EndObject();
    }
    w.EndArray();
    WritePageEnd(out, page);
    return core::Status();
  }
};
}  // namespace

KMSLAB_KMS_OPERATION(ListAliases, ListAliasesOp);

}  // namespace kmslab::kms::ops
