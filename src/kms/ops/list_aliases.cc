// ListAliases: the caller's aliases in this region, optionally of one key
// (IAM-only authorization). Without a KeyId the list also holds AWS's
// predefined alias/aws/* aliases whose AWS managed key does not exist yet,
// as AWS lists them: AliasName and AliasArn only. The list is sorted by name;
// the marker is the next page's first name.
#include <algorithm>

#include "core/arn.h"
#include "kms/aws_managed_keys.h"
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
    if (!filter) AddPredefined(c, aliases);
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
      if (!a.key_id.empty()) {  // empty: a predefined alias, not yet associated with a key
        w.Key("TargetKeyId");
        w.String(a.key_id.c_str());
        w.Key("CreationDate");
        w.Double(static_cast<double>(a.created_ms) / 1000.0);
        w.Key("LastUpdatedDate");
        w.Double(static_cast<double>(a.updated_ms) / 1000.0);
      }
      w.EndObject();
    }
    w.EndArray();
    WritePageEnd(out, page);
    return core::Status();
  }

  // Adds, in name order, the predefined aliases `aliases` (sorted by name)
  // lacks, each with an empty key_id.
  static void AddPredefined(const CallContext& c, std::vector<store::AliasRow>& aliases) {
    const size_t existing = aliases.size();
    for (std::string_view name : kPredefinedAliases) {
      auto found = std::lower_bound(aliases.begin(), aliases.begin() + static_cast<std::ptrdiff_t>(existing), name,
                                    [](const store::AliasRow& a, std::string_view n) { return a.name < n; });
      if (found != aliases.begin() + static_cast<std::ptrdiff_t>(existing) && found->name == name) continue;
      store::AliasRow row;
      row.account = c.caller->account;
      row.region = c.region;
      row.name = std::string(name);
      aliases.push_back(std::move(row));
    }
    std::stable_sort(aliases.begin(), aliases.end(),
                     [](const store::AliasRow& a, const store::AliasRow& b) { return a.name < b.name; });
  }
};
}  // namespace

KMSLAB_KMS_OPERATION(ListAliases, ListAliasesOp);

}  // namespace kmslab::kms::ops
