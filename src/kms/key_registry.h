// KeyRegistry: the KMS keys and aliases of every account and region.
//
// The registry is the server's working copy of the store: it loads everything
// at start, keeps key material unwrapped in memory only, and writes every
// change through to the store before it becomes visible (a returned key has
// been persisted). Readers get immutable snapshots (shared_ptr<const Key>).
//
// Thread-safe: reads share a lock; writes are serialized.
#ifndef KMSLAB_KMS_KEY_REGISTRY_H_
#define KMSLAB_KMS_KEY_REGISTRY_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/secret_bytes.h"
#include "core/status.h"
#include "crypto/private_key.h"
#include "kms/due_index.h"
#include "kms/key_import.h"
#include "kms/key_spec.h"
#include "policy/policy.h"
#include "store/records.h"
#include "store/store.h"

namespace kmslab::kms {

struct KeyMaterial {
  uint32_t version = 0;
  std::string material_id;
  // AES-256 key (32 bytes), HMAC key (the spec's length) or DER PKCS#8
  // private key, by the key's spec.
  core::SecretBytes bytes;
  // RSA and ECC keys: `bytes` parsed once, where the material is made, loaded
  // or imported (ParsePrivateKey); null otherwise.
  std::shared_ptr<const crypto::PrivateKey> private_key;
  int64_t created_ms = 0;
  std::string rotation_type;
  // Imported material only: when it expires (valid_to_ms with
  // kKeyMaterialExpires). Nullopt for material AWS_KMS made, and once deleted.
  std::optional<ExpirationModel> expiration;
  int64_t valid_to_ms = 0;

  // Imported material deleted (or expired) keeps its version and id, so that
  // the same material can come back; only its bytes are gone.
  bool held() const { return !bytes.empty(); }
};

// Imported key material as ImportKeyMaterial hands it to the registry.
struct ImportedMaterial {
  std::string material_id;  // ImportedMaterialId
  core::SecretBytes bytes;
  ExpirationModel expiration = ExpirationModel::kKeyMaterialExpires;
  int64_t valid_to_ms = 0;  // with kKeyMaterialExpires
};

struct Key {
  store::KeyRow meta;  // everything but the material
  // meta.key_spec and meta.key_usage, typed (they never change).
  KeySpec spec = KeySpec::kSymmetricDefault;
  KeyUsage usage = KeyUsage::kEncryptDecrypt;
  // meta.policy, parsed once; null when the stored text does not parse (then
  // the key policy allows nothing).
  std::shared_ptr<const policy::Policy> policy;
  std::vector<std::shared_ptr<const KeyMaterial>> materials;  // version v at [v - 1]

  // Requires has_material(): keys of origin EXTERNAL start without any.
  const KeyMaterial& current() const { return *materials.back(); }
  bool has_material() const { return !materials.empty(); }
  // Imported material held now that expires: when. Nullopt otherwise.
  std::optional<int64_t> material_expiry() const {
    if (!has_material() || !current().held() || current().expiration != ExpirationModel::kKeyMaterialExpires) {
      return std::nullopt;
    }
    return current().valid_to_ms;
  }
  // The current material's parsed private key. Internal when the key is
  // symmetric or HMAC or holds no material: operations check the key's usage
  // and state first.
  core::StatusOr<const crypto::PrivateKey*> current_private_key() const {
    if (!has_material() || !current().private_key) return core::Internal("the key has no private key at hand");
    return current().private_key.get();
  }
  // Null when the key has no such version.
  const KeyMaterial* material(uint32_t version) const {
    return version >= 1 && version <= materials.size() ? materials[version - 1].get() : nullptr;
  }
};

using KeyPtr = std::shared_ptr<const Key>;

// Work KMS does on its own when it falls due (RunDueWork), which CloudTrail
// records as an AwsServiceEvent of the key's account.
struct DueEvent {
  enum class Kind { kDeleteKey, kRotateKey, kDeleteExpiredKeyMaterial };
  Kind kind;
  int64_t due_ms = 0;  // when it fell due: the deletion date, the rotation date, ValidTo
  KeyPtr key;          // the key before the work
  // kRotateKey: the new current material; kDeleteExpiredKeyMaterial: the deleted one.
  std::string material_id;
};
// AWS's eventName for `kind`.
std::string_view EventNameOf(DueEvent::Kind kind);

// A grant on a key, as the policy engine and ListGrants see it.
struct GrantRecord {
  std::string key_id;
  std::string region;  // with key_id, names the key (grants are per key and Region)
  int64_t created_ms = 0;
  policy::Grant grant;
};

using GrantPtr = std::shared_ptr<const GrantRecord>;

inline constexpr size_t kMaxGrantsPerKey = 50000;

class KeyRegistry {
 public:
  // Loads the store's keys and aliases, unwrapping material with `root_key`.
  static core::StatusOr<std::unique_ptr<KeyRegistry>> Load(store::Store* store, core::SecretBytes root_key,
                                                           const core::Clock* clock);

  // The key `key_id` in `region`, or null. Related multi-Region keys share
  // one key id, one key per Region.
  KeyPtr Find(std::string_view region, std::string_view key_id) const;
  // The multi-Region keys related to `key`, itself included: the primary
  // first, then the replicas in creation order. Empty for a single-Region key.
  std::vector<KeyPtr> Related(const store::KeyRow& key) const;
  // Keys of one account and region, in creation order.
  std::vector<KeyPtr> List(const std::string& account, const std::string& region) const;

  // Creates `meta` (key_id, arn and the rest filled in by the caller; its
  // key_spec and key_usage valid names) with fresh first material of its spec,
  // or, for origin EXTERNAL, with none (ImportMaterial brings it).
  core::StatusOr<KeyPtr> Create(store::KeyRow meta);
  // Applies `change` to a copy of the key's metadata and persists it. A
  // non-OK status from `change` aborts with nothing changed.
  core::StatusOr<KeyPtr> Update(const std::string& region, const std::string& key_id,
                                const std::function<core::Status(store::KeyRow&)>& change);
  // Adds a new current material (`rotation_type` AUTOMATIC or ON_DEMAND) and
  // applies `change` to the metadata in the same transaction. Symmetric keys
  // only: callers refuse the others. A primary's new material reaches its
  // replicas in that transaction too.
  core::StatusOr<KeyPtr> Rotate(const std::string& region, const std::string& key_id, const std::string& rotation_type,
                                const std::function<void(store::KeyRow&)>& change);
  // Creates `replica` (a REPLICA of the PRIMARY `key_id` in `primary_region`)
  // holding every material version of the primary (none when the origin is
  // EXTERNAL: the replica starts in PendingImport). kAlreadyExists when its
  // Region already holds a related key; kFailedPrecondition when the primary
  // is gone or no longer primary.
  core::StatusOr<KeyPtr> CreateReplica(const std::string& primary_region, store::KeyRow replica);
  // Makes the replica in `new_primary_region` the primary and the current
  // primary (in `primary_region`) a replica, in one transaction; the rotation
  // setting, which only the primary holds, moves with the role.
  core::Status SwapPrimary(const std::string& primary_region, const std::string& key_id,
                           const std::string& new_primary_region);

  // Imported material (origin EXTERNAL keys; one material, version 1;
  // key_registry_import.cc). After `check` passes on the current key (under
  // the write lock), makes `material` the key's material (the same id again
  // restores deleted material, so old ciphertexts decrypt again) with its
  // expiry; a key in PendingImport becomes Enabled.
  core::StatusOr<KeyPtr> ImportMaterial(const std::string& region, const std::string& key_id, ImportedMaterial material,
                                        const std::function<core::Status(const Key&)>& check);
  // After `check` passes, deletes the bytes of the key's imported material
  // (its version and id stay); the key goes to PendingImport, unless it is
  // PendingDeletion. Expiry does the same in RunDueWork.
  core::StatusOr<KeyPtr> DeleteImportedMaterial(const std::string& region, const std::string& key_id,
                                                const std::function<core::Status(const Key&)>& check);
  // A key derived from the root key for `purpose` ("kmslab/import-token/v1"),
  // for sealing what the server hands out and takes back (import tokens).
  core::SecretBytes DeriveServerKey(std::string_view purpose) const;

  std::optional<store::AliasRow> FindAlias(const std::string& account, const std::string& region,
                                           const std::string& name) const;
  std::vector<store::AliasRow> ListAliases(const std::string& account, const std::string& region) const;
  // Alias names pointing at the key `key_id` in `region`, sorted.
  std::vector<std::string> AliasesOf(const std::string& region, const std::string& key_id) const;
  // Creates (`must_be_new`: kAlreadyExists if the name is taken) or
  // repoints (kNotFound if the name is free) an alias, atomically.
  core::Status PutAlias(const store::AliasRow& alias, bool must_be_new);
  core::Status DeleteAlias(const std::string& account, const std::string& region, const std::string& name);

  // Grants, indexed by id and by (key, grantee) so that authorizing against a
  // key with many grants costs the same as against a key with one.
  GrantPtr FindGrant(const std::string& grant_id) const;
  // Whether the key has any grant.
  bool HasGrants(const std::string& region, const std::string& key_id) const;
  // The grants on the key whose GranteePrincipal is exactly `grantee`.
  std::vector<GrantPtr> GrantsFor(const std::string& region, const std::string& key_id,
                                  const std::string& grantee) const;
  // The grants on the key, oldest first.
  std::vector<GrantPtr> GrantsOfKey(const std::string& region, const std::string& key_id) const;
  // Every grant whose RetiringPrincipal is `retiring_principal`, oldest first.
  std::vector<GrantPtr> GrantsRetirableBy(const std::string& retiring_principal) const;
  // kResourceExhausted when the key already has the maximum number of grants.
  core::Status AddGrant(const GrantPtr& grant);
  core::Status RemoveGrant(const std::string& grant_id);

  // Forgets every key, alias and grant (the store is emptied by the caller).
  void Reset();

  // Deletes keys whose deletion date has passed, rotates keys whose
  // automatic rotation is due and deletes imported material whose ValidTo
  // has passed, as of `now_ms`; returns what it did, in order. Cheap when
  // nothing is due. Work that fails is left for the next call.
  std::vector<DueEvent> RunDueWork(int64_t now_ms);

 private:
  KeyRegistry(store::Store* store, core::SecretBytes root_key, const core::Clock* clock)
      : store_(store), root_key_(std::move(root_key)), clock_(clock) {}
  core::StatusOr<std::shared_ptr<const KeyMaterial>> NewMaterial(const Key& key, uint32_t version,
                                                                 const std::string& rotation_type,
                                                                 store::MaterialRow* row);
  // `material` of key `key_id` as the store keeps it: its bytes sealed under
  // the root key (an empty `wrapped` when it holds none) and its expiry.
  core::StatusOr<store::MaterialRow> WrapMaterial(const std::string& key_id, const KeyMaterial& material) const;
  // Requires write_mu_. Persists then publishes `keys` with their new materials.
  core::Status WriteAndPublishLocked(const std::vector<std::shared_ptr<Key>>& keys,
                                     const std::vector<store::MaterialRow>& new_materials);
  // Requires write_mu_. Removes a key whose deletion date passed, with its
  // aliases and grants; a primary left without replicas in
  // PendingReplicaDeletion then starts its own waiting period. False when
  // the store refused it (the next RunDueWork tries again).
  bool DeleteDueKeyLocked(const KeyPtr& key, int64_t now_ms);
  // Requires write_mu_. DeleteImportedMaterial after its check.
  core::StatusOr<KeyPtr> DeleteImportedLocked(const KeyPtr& current);
  // Requires write_mu_. Adds a new current material to `current`.
  core::StatusOr<KeyPtr> RotateLocked(const KeyPtr& current, const std::string& rotation_type,
                                      const std::function<void(store::KeyRow&)>& change);
  // Requires write_mu_ (or a registry not yet shared). Makes `key` the
  // current version of its key for readers and indexes when it next has work.
  void Publish(KeyPtr key);
  // Requires write_mu_. Records that key `name` next has work at `due_ms`
  // (DueIndex::kNever: none, or gone) and when RunDueWork next has any.
  void SetDueLocked(const std::string& name, int64_t due_ms);
  static std::string AliasKey(const std::string& account, const std::string& region, const std::string& name);
  // The maps' name for the key `key_id` in `region`.
  static std::string KeyName(std::string_view region, std::string_view key_id);

  store::Store* store_;
  const core::SecretBytes root_key_;
  const core::Clock* clock_;

  std::mutex write_mu_;                           // serializes every change
  mutable std::shared_mutex map_mu_;              // guards the maps below
  std::unordered_map<std::string, KeyPtr> keys_;  // by KeyName
  // The Regions holding each multi-Region key id (key id -> regions).
  std::unordered_map<std::string, std::set<std::string>> mrk_regions_;
  std::map<std::string, store::AliasRow> aliases_;  // by AliasKey
  // Alias names per KeyName (kms:ResourceAliases is set on every request).
  std::unordered_map<std::string, std::set<std::string>> aliases_by_key_;
  // Require map_mu_ held exclusively: keep both alias maps in step.
  void SetAliasLocked(const store::AliasRow& alias);
  void EraseAliasLocked(const std::string& alias_key);
  DueIndex due_;  // guarded by write_mu_
  std::atomic<int64_t> next_due_ms_{DueIndex::kNever};
  std::unordered_map<std::string, GrantPtr> grants_;                          // by grant id
  std::unordered_map<std::string, std::vector<GrantPtr>> grants_by_key_;      // by KeyName, oldest first
  std::unordered_map<std::string, std::vector<GrantPtr>> grants_by_grantee_;  // by GranteeIndex
  // Sets `out` to the grants_by_grantee_ key of (region, key_id, grantee).
  static void GranteeIndex(const std::string& region, const std::string& key_id, const std::string& grantee,
                           std::string& out) {
    out.assign(region).append("|").append(key_id).append("|").append(grantee);
  }
  void IndexGrantLocked(const GrantPtr& grant);
  void UnindexGrantLocked(const std::string& grant_id);
};

}  // namespace kmslab::kms

#endif  // KMSLAB_KMS_KEY_REGISTRY_H_
