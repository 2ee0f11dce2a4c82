// RotateKeyOnDemand (at most 25 per key) and ListKeyRotations. Old material
// keeps decrypting: blobs name their material version. Symmetric keys only.
#include "kms/errors.h"
#include "kms/key_import.h"
#include "kms/multi_region.h"
#include "kms/ops/common.h"

namespace kmslab::kms::ops {

namespace {
constexpr size_t kMaxOnDemandRotations = 25;

struct RotateKeyOnDemandOp {
  static constexpr const char* kName = "RotateKeyOnDemand";
  struct Request {
    std::string key_id;
  };
  static void Read(RequestReader& r, Request& q) { q.key_id = r.String("KeyId", kKeyIdRule).value_or(""); }
  static core::Status Resolve(Service& s, const CallContext& c, Request& q, Plan& plan) {
    return PlanKey(s, c, q.key_id, KeyIdForms::kKeyOnly, "kms:RotateKeyOnDemand", KeyUse::kCryptographic, plan)
        .status();
  }
  static core::Status Execute(Service& s, const CallContext&, const Request&, const Plan& plan, JsonOut& out) {
    const Key& key = plan.key();
    RETURN_IF_ERROR(CheckRotatable(key));
    RETURN_IF_ERROR(RefuseReplica(key.meta));
    // An imported key rotates to material imported as NEW_KEY_MATERIAL, which
    // kmslab does not keep (section 9.5): there is never any pending.
    if (key.meta.origin == kOriginExternal) {
      return InvalidStateError("No available key material pending rotation for the key: " + key.meta.arn + ".");
    }
    size_t on_demand = 0;
    for (const auto& m : key.materials) on_demand += m->rotation_type == "ON_DEMAND";
    if (on_demand >= kMaxOnDemandRotations) {
      return LimitExceededError(
          "The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be "
          "performed for this key: " +
          key.meta.arn);
    }
    ASSIGN_OR_RETURN(KeyPtr rotated, s.keys().Rotate(key.meta.region, key.meta.key_id, "ON_DEMAND", [](store::KeyRow&) {}));
    out.Str("KeyId", rotated->meta.arn);
    return core::Status();
  }
};

struct ListKeyRotationsOp {
  static constexpr const char* kName = "ListKeyRotations";
  struct Request {
    std::string key_id;
    bool all_material = false;
    int64_t limit = 100;
    std::optional<std::string> marker;
  };
  static void Read(RequestReader& r, Request& q) {
    q.key_id = r.String("KeyId", kKeyIdRule).value_or("");
    q.all_material = r.String("IncludeKeyMaterial", {.enum_values = {"ALL_KEY_MATERIAL", "ROTATIONS_ONLY"}})
                         .value_or("ROTATIONS_ONLY") == "ALL_KEY_MATERIAL";
    q.limit = r.Int("Limit", {.min = 1, .max = 1000}).value_or(100);
    q.marker = r.String("Marker", kMarkerRule);
  }
  static core::Status Resolve(Service& s, const CallContext& c, Request& q, Plan& plan) {
    return PlanKey(s, c, q.key_id, KeyIdForms::kKeyOnly, "kms:ListKeyRotations", KeyUse::kAnyState, plan).status();
  }
  static core::Status Execute(Service&, const CallContext&, const Request& q, const Plan& plan, JsonOut& out) {
    const Key& key = plan.key();
    RETURN_IF_ERROR(CheckRotatable(key));
    std::vector<const KeyMaterial*> listed;
    for (const auto& m : key.materials)
      if (q.all_material || !m->rotation_type.empty()) listed.push_back(m.get());
    std::vector<std::string> ids;
    for (const auto* m : listed) ids.push_back(m->material_id);
    ASSIGN_OR_RETURN(Page page, Paginate(ids, q.marker, static_cast<size_t>(q.limit)));
    auto& w = out.Member("Rotations");
    w.StartArray();
    for (size_t i = page.begin; i < page.end; ++i) {
      const KeyMaterial& m = *listed[i];
      w.StartObject();
      w.Key("KeyId");
      w.String(key.meta.arn.c_str());
      w.Key("KeyMaterialId");
      w.String(m.material_id.c_str());
      w.Key("RotationDate");
      w.Double(static_cast<double>(m.created_ms) / 1000.0);
      if (!m.rotation_type.empty()) {
        w.Key("RotationType");
        w.String(m.rotation_type.c_str());
      }
      w.Key("KeyMaterialState");
      w.String(&m == &key.current() ? "CURRENT" : "NON_CURRENT");
      w.EndObject();
    }
    w.EndArray();
    WritePageEnd(out, page);
    return core::Status();
  }
};
}  // namespace

KMSLAB_KMS_OPERATION(RotateKeyOnDemand, RotateKeyOnDemandOp);
KMSLAB_KMS_OPERATION(ListKeyRotations, ListKeyRotationsOp);

}  // namespace kmslab::kms::ops
