// KeyRegistry's imported material (origin EXTERNAL): import, re-import and
// deletion. Expiry runs in RunDueWork (key_registry.cc) through
// DeleteImportedLocked.
#include "crypto/hmac.h"
#include "kms/key_material.h"
#include "kms/key_registry.h"

namespace kmslab::kms {

core::StatusOr<KeyPtr> KeyRegistry::ImportMaterial(const std::string& region, const std::string& key_id,
                                                   ImportedMaterial imported,
                                                   const std::function<core::Status(const Key&)>& check) {
  std::lock_guard<std::mutex> lock(write_mu_);
  KeyPtr current = Find(region, key_id);
  if (!current) return core::NotFound("key " + key_id);
  RETURN_IF_ERROR(check(*current));
  auto material = std::make_shared<KeyMaterial>();
  material->version = 1;
  material->material_id = std::move(imported.material_id);
  material->bytes = std::move(imported.bytes);
  ASSIGN_OR_RETURN(material->private_key, ParsePrivateKey(current->spec, material->bytes));
  material->created_ms = current->has_material() ? current->current().created_ms : clock_->NowMillis();
  material->expiration = imported.expiration;
  material->valid_to_ms = imported.expiration == ExpirationModel::kKeyMaterialExpires ? imported.valid_to_ms : 0;
  auto next = std::make_shared<Key>(*current);
  if (next->meta.state == store::KeyState::kPendingImport) next->meta.state = store::KeyState::kEnabled;
  ASSIGN_OR_RETURN(store::MaterialRow row, WrapMaterial(key_id, *material));
  RETURN_IF_ERROR(store_->PutImportedMaterial(next->meta, row));
  next->materials = {std::move(material)};
  Publish(next);
  return KeyPtr(next);
}

core::StatusOr<KeyPtr> KeyRegistry::DeleteImportedMaterial(const std::string& region, const std::string& key_id,
                                                           const std::function<core::Status(const Key&)>& check) {
  std::lock_guard<std::mutex> lock(write_mu_);
  KeyPtr current = Find(region, key_id);
  if (!current) return core::NotFound("key " + key_id);
  RETURN_IF_ERROR(check(*current));
  return DeleteImportedLocked(current);
}

core::StatusOr<KeyPtr> KeyRegistry::DeleteImportedLocked(const KeyPtr& current) {
  auto next = std::make_shared<Key>(*current);
  if (next->meta.state != store::KeyState::kPendingDeletion) next->meta.state = store::KeyState::kPendingImport;
  if (!next->has_material()) {
    RETURN_IF_ERROR(store_->UpdateKey(next->meta));
  } else {
    const KeyMaterial& held = current->current();
    auto emptied = std::make_shared<KeyMaterial>();
    emptied->version = held.version;
    emptied->material_id = held.material_id;
    emptied->created_ms = held.created_ms;
    emptied->rotation_type = held.rotation_type;
    ASSIGN_OR_RETURN(store::MaterialRow row, WrapMaterial(next->meta.key_id, *emptied));
    RETURN_IF_ERROR(store_->PutImportedMaterial(next->meta, row));
    next->materials = {std::move(emptied)};
  }
  Publish(next);
  return KeyPtr(next);
}

core::SecretBytes KeyRegistry::DeriveServerKey(std::string_view purpose) const {
  return crypto::DeriveKey(root_key_, purpose);
}

}  // namespace kmslab::kms
