#include "kms/key_registry.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "core/random.h"
#include "core/strings.h"
#include "crypto/aes_gcm.h"
#include "kms/key_material.h"

namespace kmslab::kms {

namespace {
constexpr int64_t kDayMillis = 24LL * 3600 * 1000;

// Material is sealed under the root key, bound to its key and version.
std::string WrapAad(const std::string& key_id, uint32_t version) {
  return "kmslab/key-material/v1:" + key_id + ":" + std::to_string(version);
}
std::string OperationsJson(const std::vector<std::string>& operations) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartArray();
  for (const auto& op : operations) w.String(op.c_str());
  w.EndArray();
  return buffer.GetString();
}

std::string ConstraintsJson(const policy::Grant& g) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  for (const auto& [name, pairs] : {std::pair{"EncryptionContextSubset", &g.context_subset},
                                    std::pair{"EncryptionContextEquals", &g.context_equals}}) {
    if (pairs->empty()) continue;
    w.Key(name);
    w.StartObject();
    for (const auto& [k, v] : *pairs) {
      w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
      w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
    }
    w.EndObject();
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

GrantPtr GrantFromRow(const store::GrantRow& row) {
  auto record = std::make_shared<GrantRecord>();
  record->key_id = row.key_id;
  record->region = row.region;
  record->created_ms = row.created_ms;
  policy::Grant& g = record->grant;
  g.grant_id = row.grant_id;
  g.name = row.name;
  g.grantee_principal = row.grantee;
  g.retiring_principal = row.retiring;
  g.issuing_account = row.issuing_account;
  rapidjson::Document ops, constraints;
  ops.Parse(row.operations.data(), row.operations.size());
  if (ops.IsArray())
    for (const auto& op : ops.GetArray())
      if (op.IsString()) g.operations.push_back(op.GetString());
  constraints.Parse(row.constraints.data(), row.constraints.size());
  auto read = [&](const char* name, std::map<std::string, std::string>* out) {
    if (!constraints.IsObject() || !constraints.HasMember(name) || !constraints[name].IsObject()) return;
    for (const auto& m : constraints[name].GetObject())
      if (m.value.IsString()) {
        (*out)[std::string(m.name.GetString(), m.name.GetStringLength())] =
            std::string(m.value.GetString(), m.value.GetStringLength());
      }
  };
  read("EncryptionContextSubset", &g.context_subset);
  read("EncryptionContextEquals", &g.context_equals);
  return record;
}

// Sets key.spec and key.usage from the row's names.
core::Status TypeKey(Key& key) {
  std::optional<KeySpec> spec = ParseKeySpec(key.meta.key_spec);
  std::optional<KeyUsage> usage = ParseKeyUsage(key.meta.key_usage);
  if (!spec || !usage) {
    return core::DataLoss("key " + key.meta.key_id + " has an unknown key spec or usage: " + key.meta.key_spec + ", " +
                          key.meta.key_usage);
  }
  key.spec = *spec;
  key.usage = *usage;
  return core::Status();
}

// A stored policy was validated when it was put, or written by kmslab (an AWS
// managed key's); null if it no longer parses.
std::shared_ptr<const policy::Policy> ParseKeyPolicy(const std::string& text) {
  auto parsed = policy::ParsePolicy(text, policy::PolicyKind::kKeyPolicy, policy::SidRule::kMayRepeat);
  return parsed.ok() ? std::move(parsed).value() : nullptr;
}

// When RunDueWork next has work on `key`: its deletion, its next automatic
// rotation, or the expiry of its imported material; DueIndex::kNever if none.
int64_t NextDueMs(const Key& key) {
  const store::KeyRow& m = key.meta;
  int64_t next = DueIndex::kNever;
  if (m.state == store::KeyState::kPendingDeletion) next = std::min(next, m.deletion_ms);
  if (m.rotation_enabled && m.state == store::KeyState::kEnabled && m.next_rotation_ms > 0) {
    next = std::min(next, m.next_rotation_ms);
  }
  if (auto expiry = key.material_expiry()) next = std::min(next, *expiry);
  return next;
}
}  // namespace

core::StatusOr<std::unique_ptr<KeyRegistry>> KeyRegistry::Load(store::Store* store, core::SecretBytes root_key,
                                                               const core::Clock* clock) {
  std::unique_ptr<KeyRegistry> registry(new KeyRegistry(store, std::move(root_key), clock));
  ASSIGN_OR_RETURN(std::vector<store::KeyRow> rows, store->LoadKeys());
  ASSIGN_OR_RETURN(std::vector<store::MaterialRow> materials, store->LoadMaterials());
  ASSIGN_OR_RETURN(std::vector<store::AliasRow> aliases, store->LoadAliases());
  std::unordered_map<std::string, std::shared_ptr<Key>> keys;  // by KeyName
  for (auto& row : rows) {
    auto key = std::make_shared<Key>();
    std::string name = KeyName(row.region, row.key_id);
    key->meta = std::move(row);
    RETURN_IF_ERROR(TypeKey(*key));
    key->policy = ParseKeyPolicy(key->meta.policy);
    keys[name] = key;
  }
  for (const auto& m : materials) {
    auto it = keys.find(KeyName(m.region, m.key_id));
    if (it == keys.end()) continue;
    core::SecretBytes bytes;  // stays empty for deleted imported material
    if (!m.wrapped.empty()) {
      auto opened = crypto::AesGcmOpen(registry->root_key_, m.wrapped, WrapAad(m.key_id, m.version));
      if (!opened.ok()) {
        return core::DataLoss("key material " + m.key_id + " v" + std::to_string(m.version) +
                              " does not unwrap: wrong root key or damaged database");
      }
      bytes = std::move(opened).value();
    }
    if (m.version != it->second->materials.size() + 1) return core::DataLoss("key material versions out of order");
    auto material = std::make_shared<KeyMaterial>();
    *material = KeyMaterial{m.version,
                            m.material_id,
                            std::move(bytes),
                            {},
                            m.created_ms,
                            m.rotation_type,
                            ParseExpirationModel(m.expiration_model),
                            m.valid_to_ms};
    ASSIGN_OR_RETURN(material->private_key, ParsePrivateKey(it->second->spec, material->bytes));
    it->second->materials.push_back(std::move(material));
  }
  for (auto& [name, key] : keys) {
    if (key->materials.empty() && key->meta.origin != kOriginExternal) {
      return core::DataLoss("key " + key->meta.arn + " has no key material");
    }
    registry->Publish(key);
  }
  for (auto& a : aliases) registry->SetAliasLocked(a);
  ASSIGN_OR_RETURN(std::vector<store::GrantRow> grants, store->LoadGrants());
  for (const auto& g : grants)
    if (registry->keys_.count(KeyName(g.region, g.key_id))) registry->IndexGrantLocked(GrantFromRow(g));
  return registry;
}

std::string KeyRegistry::AliasKey(const std::string& account, const std::string& region, const std::string& name) {
  return account + "|" + region + "|" + name;
}

std::string KeyRegistry::KeyName(std::string_view region, std::string_view key_id) {
  std::string name;
  name.reserve(region.size() + 1 + key_id.size());
  return name.append(region).append("|").append(key_id);
}

KeyPtr KeyRegistry::Find(std::string_view region, std::string_view key_id) const {
  thread_local std::string name;  // reused: no allocation once warm
  name.assign(region).append("|").append(key_id);
  std::shared_lock<std::shared_mutex> lock(map_mu_);
  auto it = keys_.find(name);
  return it == keys_.end() ? nullptr : it->second;
}

std::vector<KeyPtr> KeyRegistry::Related(const store::KeyRow& key) const {
  std::vector<KeyPtr> out;
  if (!key.multi_region) return out;
  {
    std::shared_lock<std::shared_mutex> lock(map_mu_);
    auto regions = mrk_regions_.find(key.key_id);
    if (regions == mrk_regions_.end()) return out;
    for (const std::string& region : regions->second) {
      auto it = keys_.find(KeyName(region, key.key_id));
      if (it != keys_.end() && it->second->meta.account == key.account) out.push_back(it->second);
    }
  }
  std::sort(out.begin(), out.end(), [](const KeyPtr& a, const KeyPtr& b) {
    const bool a_primary = a->meta.multi_region_type == store::MultiRegionKeyType::kPrimary;
    const bool b_primary = b->meta.multi_region_type == store::MultiRegionKeyType::kPrimary;
    if (a_primary != b_primary) return a_primary;
    return a->meta.created_ms != b->meta.created_ms ? a->meta.created_ms < b->meta.created_ms
                                                    : a->meta.region < b->meta.region;
  });
  return out;
}

std::vector<KeyPtr> KeyRegistry::List(const std::string& account, const std::string& region) const {
  std::vector<KeyPtr> out;
  {
    std::shared_lock<std::shared_mutex> lock(map_mu_);
    for (const auto& [id, key] : keys_)
      if (key->meta.account == account && key->meta.region == region) out.push_back(key);
  }
  std::sort(out.begin(), out.end(), [](const KeyPtr& a, const KeyPtr& b) {
    return a->meta.created_ms != b->meta.created_ms ? a->meta.created_ms < b->meta.created_ms
                                                    : a->meta.key_id < b->meta.key_id;
  });
  return out;
}

core::StatusOr<std::shared_ptr<const KeyMaterial>> KeyRegistry::NewMaterial(const Key& key, uint32_t version,
                                                                            const std::string& rotation_type,
                                                                            store::MaterialRow* row) {
  const std::string& key_id = key.meta.key_id;
  auto material = std::make_shared<KeyMaterial>();
  material->version = version;
  material->material_id = core::HexEncode(core::RandomBytes(32));
  ASSIGN_OR_RETURN(material->bytes, GenerateKeyMaterial(key.spec));
  ASSIGN_OR_RETURN(material->private_key, ParsePrivateKey(key.spec, material->bytes));
  material->created_ms = clock_->NowMillis();
  material->rotation_type = rotation_type;
  ASSIGN_OR_RETURN(*row, WrapMaterial(key_id, *material));
  return std::shared_ptr<const KeyMaterial>(std::move(material));
}

void KeyRegistry::Publish(KeyPtr key) {
  const std::string name = KeyName(key->meta.region, key->meta.key_id);
  SetDueLocked(name, NextDueMs(*key));
  std::unique_lock<std::shared_mutex> lock(map_mu_);
  if (key->meta.multi_region) mrk_regions_[key->meta.key_id].insert(key->meta.region);
  keys_[name] = std::move(key);
}

void KeyRegistry::SetDueLocked(const std::string& name, int64_t due_ms) {
  due_.Set(name, due_ms);
  next_due_ms_.store(due_.Earliest());
}

core::StatusOr<store::MaterialRow> KeyRegistry::WrapMaterial(const std::string& key_id,
                                                             const KeyMaterial& material) const {
  store::MaterialRow row{key_id, material.version,    material.material_id,
                         "",     material.created_ms, material.rotation_type};
  if (material.held()) {
    ASSIGN_OR_RETURN(row.wrapped,
                     crypto::AesGcmSeal(root_key_, material.bytes.Reveal(), WrapAad(key_id, material.version)));
  }
  if (material.expiration) row.expiration_model = Name(*material.expiration);
  row.valid_to_ms = material.valid_to_ms;
  return row;
}

core::Status KeyRegistry::WriteAndPublishLocked(const std::vector<std::shared_ptr<Key>>& keys,
                                                const std::vector<store::MaterialRow>& new_materials) {
  std::vector<store::Store::KeyWrite> writes;
  for (const auto& key : keys) writes.push_back({key->meta, new_materials});
  RETURN_IF_ERROR(store_->WriteKeys(writes));
  for (const auto& key : keys) Publish(key);
  return core::Status();
}

core::StatusOr<KeyPtr> KeyRegistry::Create(store::KeyRow meta) {
  std::lock_guard<std::mutex> lock(write_mu_);
  auto key = std::make_shared<Key>();
  key->meta = std::move(meta);
  RETURN_IF_ERROR(TypeKey(*key));
  key->policy = ParseKeyPolicy(key->meta.policy);
  if (key->meta.origin == kOriginExternal) {
    RETURN_IF_ERROR(store_->UpdateKey(key->meta));  // no material until ImportMaterial
  } else {
    store::MaterialRow row;
    ASSIGN_OR_RETURN(auto material, NewMaterial(*key, 1, "", &row));
    key->materials.push_back(std::move(material));
    RETURN_IF_ERROR(store_->CreateKey(key->meta, row));
  }
  Publish(key);
  return KeyPtr(key);
}

core::StatusOr<KeyPtr> KeyRegistry::Update(const std::string& region, const std::string& key_id,
                                           const std::function<core::Status(store::KeyRow&)>& change) {
  std::lock_guard<std::mutex> lock(write_mu_);
  KeyPtr current = Find(region, key_id);
  if (!current) return core::NotFound("key " + key_id);
  auto next = std::make_shared<Key>(*current);
  RETURN_IF_ERROR(change(next->meta));
  if (next->meta.policy != current->meta.policy) next->policy = ParseKeyPolicy(next->meta.policy);
  RETURN_IF_ERROR(store_->UpdateKey(next->meta));
  Publish(next);
  return KeyPtr(next);
}

core::StatusOr<KeyPtr> KeyRegistry::Rotate(const std::string& region, const std::string& key_id,
                                           const std::string& rotation_type,
                                           const std::function<void(store::KeyRow&)>& change) {
  std::lock_guard<std::mutex> lock(write_mu_);
  KeyPtr current = Find(region, key_id);
  if (!current) return core::NotFound("key " + key_id);
  return RotateLocked(current, rotation_type, change);
}

core::StatusOr<KeyPtr> KeyRegistry::RotateLocked(const KeyPtr& current, const std::string& rotation_type,
                                                 const std::function<void(store::KeyRow&)>& change) {
  store::MaterialRow row;
  ASSIGN_OR_RETURN(auto material,
                   NewMaterial(*current, static_cast<uint32_t>(current->materials.size() + 1), rotation_type, &row));
  // The key itself, then (for a primary) its replicas, which share the material.
  std::vector<KeyPtr> rotating = {current};
  if (current->meta.multi_region_type == store::MultiRegionKeyType::kPrimary) {
    for (const KeyPtr& related : Related(current->meta))
      if (related != current) rotating.push_back(related);
  }
  std::vector<std::shared_ptr<Key>> next;
  for (const KeyPtr& key : rotating) {
    auto copy = std::make_shared<Key>(*key);
    copy->materials.push_back(material);
    next.push_back(std::move(copy));
  }
  change(next[0]->meta);
  RETURN_IF_ERROR(WriteAndPublishLocked(next, {row}));
  return KeyPtr(next[0]);
}

core::StatusOr<KeyPtr> KeyRegistry::CreateReplica(const std::string& primary_region, store::KeyRow replica) {
  std::lock_guard<std::mutex> lock(write_mu_);
  KeyPtr primary = Find(primary_region, replica.key_id);
  if (!primary || primary->meta.multi_region_type != store::MultiRegionKeyType::kPrimary) {
    return core::FailedPrecondition("key " + replica.key_id + " is not a multi-Region primary key");
  }
  for (const KeyPtr& related : Related(primary->meta))
    if (related->meta.region == replica.region) return core::Status(core::Code::kAlreadyExists, replica.arn);
  auto key = std::make_shared<Key>();
  key->meta = std::move(replica);
  RETURN_IF_ERROR(TypeKey(*key));
  key->policy = ParseKeyPolicy(key->meta.policy);
  // Replicas of EXTERNAL keys get no material: each related key imports the
  // same material itself (docs/spec/key-types.md section 8).
  if (key->meta.origin == kOriginExternal) {
    key->meta.state = store::KeyState::kPendingImport;
  } else {
    key->materials = primary->materials;
  }
  std::vector<store::MaterialRow> rows;
  for (const auto& material : key->materials) {
    ASSIGN_OR_RETURN(store::MaterialRow row, WrapMaterial(key->meta.key_id, *material));
    rows.push_back(std::move(row));
  }
  RETURN_IF_ERROR(WriteAndPublishLocked({key}, rows));
  return KeyPtr(key);
}

core::Status KeyRegistry::SwapPrimary(const std::string& primary_region, const std::string& key_id,
                                      const std::string& new_primary_region) {
  std::lock_guard<std::mutex> lock(write_mu_);
  KeyPtr primary = Find(primary_region, key_id);
  KeyPtr replica = Find(new_primary_region, key_id);
  if (!primary || primary->meta.multi_region_type != store::MultiRegionKeyType::kPrimary || !replica ||
      replica->meta.multi_region_type != store::MultiRegionKeyType::kReplica) {
    return core::FailedPrecondition("key " + key_id + " changed while its primary Region was updated");
  }
  auto old_primary = std::make_shared<Key>(*primary);
  auto new_primary = std::make_shared<Key>(*replica);
  store::KeyRow& from = old_primary->meta;
  store::KeyRow& to = new_primary->meta;
  to.multi_region_type = store::MultiRegionKeyType::kPrimary;
  from.multi_region_type = store::MultiRegionKeyType::kReplica;
  std::swap(to.rotation_enabled, from.rotation_enabled);
  std::swap(to.rotation_period_days, from.rotation_period_days);
  std::swap(to.next_rotation_ms, from.next_rotation_ms);
  return WriteAndPublishLocked({old_primary, new_primary}, {});
}

std::optional<store::AliasRow> KeyRegistry::FindAlias(const std::string& account, const std::string& region,
                                                      const std::string& name) const {
  std::shared_lock<std::shared_mutex> lock(map_mu_);
  auto it = aliases_.find(AliasKey(account, region, name));
  if (it == aliases_.end()) return std::nullopt;
  return it->second;
}

std::vector<store::AliasRow> KeyRegistry::ListAliases(const std::string& account, const std::string& region) const {
  std::shared_lock<std::shared_mutex> lock(map_mu_);
  std::vector<store::AliasRow> out;
  std::string prefix = account + "|" + region + "|";
  for (auto it = aliases_.lower_bound(prefix); it != aliases_.end() && it->first.starts_with(prefix); ++it) {
    out.push_back(it->second);
  }
  return out;
}

std::vector<std::string> KeyRegistry::AliasesOf(const std::string& region, const std::string& key_id) const {
  std::shared_lock<std::shared_mutex> lock(map_mu_);
  auto it = aliases_by_key_.find(KeyName(region, key_id));
  if (it == aliases_by_key_.end()) return {};
  return std::vector<std::string>(it->second.begin(), it->second.end());
}

void KeyRegistry::SetAliasLocked(const store::AliasRow& alias) {
  const std::string key = AliasKey(alias.account, alias.region, alias.name);
  EraseAliasLocked(key);
  aliases_[key] = alias;
  aliases_by_key_[KeyName(alias.region, alias.key_id)].insert(alias.name);
}

void KeyRegistry::EraseAliasLocked(const std::string& alias_key) {
  auto it = aliases_.find(alias_key);
  if (it == aliases_.end()) return;
  auto names = aliases_by_key_.find(KeyName(it->second.region, it->second.key_id));
  if (names != aliases_by_key_.end()) {
    names->second.erase(it->second.name);
    if (names->second.empty()) aliases_by_key_.erase(names);
  }
  aliases_.erase(it);
}

core::Status KeyRegistry::PutAlias(const store::AliasRow& alias, bool must_be_new) {
  std::lock_guard<std::mutex> lock(write_mu_);
  const bool exists = FindAlias(alias.account, alias.region, alias.name).has_value();
  if (must_be_new && exists) return core::Status(core::Code::kAlreadyExists, alias.name);
  if (!must_be_new && !exists) return core::NotFound(alias.name);
  RETURN_IF_ERROR(store_->PutAlias(alias));
  std::unique_lock<std::shared_mutex> map_lock(map_mu_);
  SetAliasLocked(alias);
  return core::Status();
}

core::Status KeyRegistry::DeleteAlias(const std::string& account, const std::string& region, const std::string& name) {
  std::lock_guard<std::mutex> lock(write_mu_);
  RETURN_IF_ERROR(store_->DeleteAlias(account, region, name));
  std::unique_lock<std::shared_mutex> map_lock(map_mu_);
  EraseAliasLocked(AliasKey(account, region, name));
  return core::Status();
}

void KeyRegistry::IndexGrantLocked(const GrantPtr& grant) {
  grants_[grant->grant.grant_id] = grant;
  grants_by_key_[KeyName(grant->region, grant->key_id)].push_back(grant);
  std::string index;
  GranteeIndex(grant->region, grant->key_id, grant->grant.grantee_principal, index);
  grants_by_grantee_[index].push_back(grant);
}

void KeyRegistry::UnindexGrantLocked(const std::string& grant_id) {
  auto it = grants_.find(grant_id);
  if (it == grants_.end()) return;
  GrantPtr grant = it->second;
  grants_.erase(it);
  auto drop = [&](std::unordered_map<std::string, std::vector<GrantPtr>>& index, const std::string& key) {
    auto list = index.find(key);
    if (list == index.end()) return;
    std::erase_if(list->second, [&](const GrantPtr& g) { return g->grant.grant_id == grant_id; });
    if (list->second.empty()) index.erase(list);
  };
  drop(grants_by_key_, KeyName(grant->region, grant->key_id));
  std::string index;
  GranteeIndex(grant->region, grant->key_id, grant->grant.grantee_principal, index);
  drop(grants_by_grantee_, index);
}

GrantPtr KeyRegistry::FindGrant(const std::string& grant_id) const {
  std::shared_lock<std::shared_mutex> lock(map_mu_);
  auto it = grants_.find(grant_id);
  return it == grants_.end() ? nullptr : it->second;
}

bool KeyRegistry::HasGrants(const std::string& region, const std::string& key_id) const {
  thread_local std::string name;  // reused: no allocation once warm
  name.assign(region).append("|").append(key_id);
  std::shared_lock<std::shared_mutex> lock(map_mu_);
  return grants_by_key_.contains(name);
}

std::vector<GrantPtr> KeyRegistry::GrantsFor(const std::string& region, const std::string& key_id,
                                             const std::string& grantee) const {
  thread_local std::string index;  // reused: no allocation once warm
  GranteeIndex(region, key_id, grantee, index);
  std::shared_lock<std::shared_mutex> lock(map_mu_);
  auto it = grants_by_grantee_.find(index);
  return it == grants_by_grantee_.end() ? std::vector<GrantPtr>{} : it->second;
}

std::vector<GrantPtr> KeyRegistry::GrantsOfKey(const std::string& region, const std::string& key_id) const {
  std::shared_lock<std::shared_mutex> lock(map_mu_);
  auto it = grants_by_key_.find(KeyName(region, key_id));
  return it == grants_by_key_.end() ? std::vector<GrantPtr>{} : it->second;
}

std::vector<GrantPtr> KeyRegistry::GrantsRetirableBy(const std::string& retiring_principal) const {
  std::vector<GrantPtr> out;
  {
    std::shared_lock<std::shared_mutex> lock(map_mu_);
    for (const auto& [id, g] : grants_)
      if (g->grant.retiring_principal == retiring_principal) out.push_back(g);
  }
  std::sort(out.begin(), out.end(), [](const GrantPtr& a, const GrantPtr& b) {
    return a->created_ms != b->created_ms ? a->created_ms < b->created_ms : a->grant.grant_id < b->grant.grant_id;
  });
  return out;
}

core::Status KeyRegistry::AddGrant(const GrantPtr& grant) {
  std::lock_guard<std::mutex> lock(write_mu_);
  if (GrantsOfKey(grant->region, grant->key_id).size() >= kMaxGrantsPerKey) {
    return core::Status(core::Code::kResourceExhausted, "too many grants");
  }
  const policy::Grant& g = grant->grant;
  RETURN_IF_ERROR(
      store_->PutGrant({g.grant_id, grant->key_id, g.name, g.grantee_principal, g.retiring_principal, g.issuing_account,
                        OperationsJson(g.operations), ConstraintsJson(g), grant->created_ms, grant->region}));
  std::unique_lock<std::shared_mutex> map_lock(map_mu_);
  IndexGrantLocked(grant);
  return core::Status();
}

core::Status KeyRegistry::RemoveGrant(const std::string& grant_id) {
  std::lock_guard<std::mutex> lock(write_mu_);
  RETURN_IF_ERROR(store_->DeleteGrant(grant_id));
  std::unique_lock<std::shared_mutex> map_lock(map_mu_);
  UnindexGrantLocked(grant_id);
  return core::Status();
}

std::string_view EventNameOf(DueEvent::Kind kind) {
  switch (kind) {
    case DueEvent::Kind::kDeleteKey: return "DeleteKey";
    case DueEvent::Kind::kRotateKey: return "RotateKey";
    case DueEvent::Kind::kDeleteExpiredKeyMaterial: return "DeleteExpiredKeyMaterial";
  }
  return "";
}

std::vector<DueEvent> KeyRegistry::RunDueWork(int64_t now_ms) {
  std::vector<DueEvent> done;
  if (now_ms < next_due_ms_.load(std::memory_order_relaxed)) return done;
  std::lock_guard<std::mutex> lock(write_mu_);
  std::vector<KeyPtr> due;
  {
    std::shared_lock<std::shared_mutex> map_lock(map_mu_);
    for (const std::string& name : due_.DueBy(now_ms)) {
      if (auto it = keys_.find(name); it != keys_.end()) due.push_back(it->second);
    }
  }
  for (const KeyPtr& key : due) {
    const store::KeyRow& m = key->meta;
    if (m.state == store::KeyState::kPendingDeletion && m.deletion_ms <= now_ms) {
      if (DeleteDueKeyLocked(key, now_ms)) done.push_back({DueEvent::Kind::kDeleteKey, m.deletion_ms, key, ""});
    } else if (m.rotation_enabled && m.state == store::KeyState::kEnabled && m.next_rotation_ms > 0 &&
               m.next_rotation_ms <= now_ms) {
      auto rotated = RotateLocked(key, "AUTOMATIC", [now_ms](store::KeyRow& row) {
        while (row.next_rotation_ms <= now_ms) row.next_rotation_ms += row.rotation_period_days * kDayMillis;
      });
      if (rotated.ok()) {
        done.push_back({DueEvent::Kind::kRotateKey, m.next_rotation_ms, key, (*rotated)->current().material_id});
      }
    } else if (auto expiry = key->material_expiry(); expiry && *expiry <= now_ms) {
      if (DeleteImportedLocked(key).ok()) {
        done.push_back({DueEvent::Kind::kDeleteExpiredKeyMaterial, *expiry, key, key->current().material_id});
      }
    }
  }
  std::sort(done.begin(), done.end(), [](const DueEvent& a, const DueEvent& b) { return a.due_ms < b.due_ms; });
  return done;
}

bool KeyRegistry::DeleteDueKeyLocked(const KeyPtr& key, int64_t now_ms) {
  const store::KeyRow& m = key->meta;
  if (!store_->DeleteKey(m.key_id, m.region).ok()) return false;  // retried on the next request
  const std::string name = KeyName(m.region, m.key_id);
  SetDueLocked(name, DueIndex::kNever);
  {
    std::unique_lock<std::shared_mutex> map_lock(map_mu_);
    keys_.erase(name);
    if (auto regions = mrk_regions_.find(m.key_id); regions != mrk_regions_.end()) {
      regions->second.erase(m.region);
      if (regions->second.empty()) mrk_regions_.erase(regions);
    }
    std::erase_if(aliases_, [&](const auto& entry) {
      return entry.second.key_id == m.key_id && entry.second.region == m.region;
    });
    aliases_by_key_.erase(name);
    if (auto it = grants_by_key_.find(name); it != grants_by_key_.end()) {
      std::vector<GrantPtr> doomed = it->second;
      for (const GrantPtr& g : doomed) UnindexGrantLocked(g->grant.grant_id);
    }
  }
  if (m.multi_region_type != store::MultiRegionKeyType::kReplica) return true;
  // The primary waits for its last replica, then for its own window.
  std::vector<KeyPtr> related = Related(m);
  if (related.size() != 1 || related[0]->meta.state != store::KeyState::kPendingReplicaDeletion) return true;
  auto primary = std::make_shared<Key>(*related[0]);
  primary->meta.state = store::KeyState::kPendingDeletion;
  primary->meta.deletion_ms = now_ms + primary->meta.pending_window_days * kDayMillis;
  (void)WriteAndPublishLocked({primary}, {});  // a failure leaves it waiting; CancelKeyDeletion still works
  return true;
}

void KeyRegistry::Reset() {
  std::lock_guard<std::mutex> write(write_mu_);
  std::unique_lock<std::shared_mutex> lock(map_mu_);
  keys_.clear();
  aliases_.clear();
  aliases_by_key_.clear();
  mrk_regions_.clear();
  grants_.clear();
  grants_by_key_.clear();
  grants_by_grantee_.clear();
  due_.Clear();
  next_due_ms_ = DueIndex::kNever;
}

}  // namespace kmslab::kms
