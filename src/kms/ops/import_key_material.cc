// ImportKeyMaterial and DeleteImportedKeyMaterial (docs/spec/key-types.md sections
// 9.3-9.4). A key holds one imported material: the first import, or the same
// material again after it was deleted or expired (its KeyMaterialId is
// derived from key and material, so a different material is recognised
// without keeping the old bytes).
#include "kms/import_token.h"
#include "kms/ops/common.h"
#include "kms/ops/import_common.h"

namespace kmslab::kms::ops {

namespace {
constexpr int64_t kMaxValidToAheadMs = 365 * kDayMillis;
inline constexpr StrRule kMaterialIdRule{.min = 64, .max = 64};

struct ImportKeyMaterialOp {
  static constexpr const char* kName = "ImportKeyMaterial";
  struct Request {
    std::string key_id;
    std::string import_token, encrypted_material;
    std::optional<int64_t> valid_to_ms;
    std::optional<ExpirationModel> expiration;  // nullopt when not sent
    bool new_material = false;                  // ImportType NEW_KEY_MATERIAL
    std::optional<std::string> material_id;
  };
  static void Read(RequestReader& r, Request& q) {
    q.key_id = r.String("KeyId", kKeyIdRule).value_or("");
    q.import_token = r.Blob("ImportToken", {.required = true, .min = 1, .max = 6144}).value_or("");
    q.encrypted_material = r.Blob("EncryptedKeyMaterial", {.required = true, .min = 1, .max = 6144}).value_or("");
    q.valid_to_ms = r.Timestamp("ValidTo");
    q.expiration = ParseExpirationModel(r.String("ExpirationModel", {.enum_values = kExpirationModelNames})
                                            .value_or(""));
    q.new_material = r.String("ImportType", {.enum_values = {"NEW_KEY_MATERIAL", "EXISTING_KEY_MATERIAL"}})
                         .value_or("") == "NEW_KEY_MATERIAL";
    r.String("KeyMaterialDescription", {.max = 256});
    q.material_id = r.String("KeyMaterialId", kMaterialIdRule);
  }
  static ExpirationModel ModelOf(const Request& q) {
    return q.expiration.value_or(ExpirationModel::kKeyMaterialExpires);
  }
  static core::Status Validate(const Request& q) {
    if (ModelOf(q) == ExpirationModel::kKeyMaterialExpires && !q.valid_to_ms) {
      return ValidationError("A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES");
    }
    if (ModelOf(q) == ExpirationModel::kKeyMaterialDoesNotExpire && q.valid_to_ms) {
      return ValidationError("A validTo date must not be set if the ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE");
    }
    return core::Status();
  }
  static core::Status Resolve(Service& s, const CallContext& c, Request& q, Plan& plan) {
    RETURN_IF_ERROR(
        PlanKey(s, c, q.key_id, KeyIdForms::kKeyOnly, "kms:ImportKeyMaterial", KeyUse::kNotPendingDeletion, plan)
            .status());
    policy::RequestContext& ctx = plan[CheckRole::kKey].context;
    if (q.expiration) ctx.Set("kms:ExpirationModel", std::string(Name(*q.expiration)));
    if (q.valid_to_ms) ctx.Set("kms:ValidTo", std::to_string(*q.valid_to_ms / 1000));
    return core::Status();
  }
  static core::Status Execute(Service& s, const CallContext&, const Request& q, const Plan& plan, JsonOut& out) {
    const Key& key = plan.key();
    RETURN_IF_ERROR(CheckOriginExternal(key));
    const int64_t now = s.NowMillis();
    if (q.valid_to_ms && *q.valid_to_ms <= now) return ValidationError("The ValidTo date must be in the future.");
    if (q.valid_to_ms && *q.valid_to_ms > now + kMaxValidToAheadMs) {
      return ValidationError("The ValidTo date must be no more than 365 days in the future.");
    }
    auto params = OpenImportToken(s.keys().DeriveServerKey(kImportTokenPurpose), key.meta.arn, q.import_token);
    if (!params) return InvalidImportTokenError();
    if (params->valid_to_ms <= now) return ExpiredImportTokenError();
    auto wrapping_key = crypto::PrivateKey::Parse(params->wrapping_key);
    if (!wrapping_key.ok()) return wrapping_key.status();  // the token held a key this server made
    auto material = UnwrapKeyMaterial(params->wrapping, **wrapping_key, q.encrypted_material);
    if (!material.ok()) return InvalidCiphertextError();
    if (!FitsKeySpec(key.spec, *material)) return IncorrectKeyMaterialError();
    const std::string material_id = ImportedMaterialId(key.meta.key_id, *material);
    if (q.material_id && *q.material_id != material_id) return IncorrectKeyMaterialError();
    const AuthzCheck& check = plan[CheckRole::kKey];
    ASSIGN_OR_RETURN(KeyPtr imported,
                     s.keys().ImportMaterial(
                         key.meta.region, key.meta.key_id,
                         {material_id, std::move(material).value(), ModelOf(q), q.valid_to_ms.value_or(0)},
                         [&](const Key& current) -> core::Status {
                           // Checked again under the registry's write lock.
                           RETURN_IF_ERROR(CheckKeyState(current.meta, check.use, s.options()));
                           if (!current.has_material() || current.current().material_id == material_id) {
                             return core::Status();
                           }
                           if (q.new_material) {
                             return UnsupportedOperationError(
                                 "kmslab keeps one key material per imported key: NEW_KEY_MATERIAL cannot be "
                                 "imported into a key that has key material.");
                           }
                           return IncorrectKeyMaterialError();
                         }));
    out.Str("KeyId", imported->meta.arn).Str("KeyMaterialId", material_id);
    return core::Status();
  }
};

struct DeleteImportedKeyMaterialOp {
  static constexpr const char* kName = "DeleteImportedKeyMaterial";
  struct Request {
    std::string key_id;
    std::optional<std::string> material_id;
  };
  static void Read(RequestReader& r, Request& q) {
    q.key_id = r.String("KeyId", kKeyIdRule).value_or("");
    q.material_id = r.String("KeyMaterialId", kMaterialIdRule);
  }
  static core::Status Resolve(Service& s, const CallContext& c, Request& q, Plan& plan) {
    return PlanKey(s, c, q.key_id, KeyIdForms::kKeyOnly, "kms:DeleteImportedKeyMaterial", KeyUse::kAnyState, plan)
        .status();
  }
  static core::Status Execute(Service& s, const CallContext&, const Request& q, const Plan& plan, JsonOut& out) {
    const Key& key = plan.key();
    RETURN_IF_ERROR(CheckOriginExternal(key));
    if (q.material_id && (!key.has_material() || key.current().material_id != *q.material_id)) {
      return NotFoundError("Key material " + *q.material_id + " was not found for " + key.meta.arn + ".");
    }
    KeyPtr result = plan[CheckRole::kKey].key;
    if (key.meta.state != store::KeyState::kPendingImport) {  // in PendingImport a no-op
      ASSIGN_OR_RETURN(result, s.keys().DeleteImportedMaterial(key.meta.region, key.meta.key_id,
                                                               [](const Key&) { return core::Status(); }));
    }
    // Only symmetric keys name their material (section 9.4).
    const bool named = result->spec == KeySpec::kSymmetricDefault && result->has_material();
    out.Str("KeyId", result->meta.arn).Str("KeyMaterialId", named ? result->current().material_id : "");
    return core::Status();
  }
};
}  // namespace

KMSLAB_KMS_OPERATION(ImportKeyMaterial, ImportKeyMaterialOp);
KMSLAB_KMS_OPERATION(DeleteImportedKeyMaterial, DeleteImportedKeyMaterialOp);

}  // namespace kmslab::kms::ops
