#include "kms/key_json.h"

#include "kms/multi_region.h"

namespace kmslab::kms {

namespace {
void Str(JsonOut::Writer& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}
void Date(JsonOut::Writer& w, const char* key, int64_t millis) {
  w.Key(key);
  w.Double(static_cast<double>(millis) / 1000.0);
}
}  // namespace

void WriteKeyMetadata(JsonOut::Writer& w, const Key& key, const std::vector<KeyPtr>& related) {
  const store::KeyRow& m = key.meta;
  w.StartObject();
  Str(w, "AWSAccountId", m.account);
  Str(w, "KeyId", m.key_id);
  Str(w, "Arn", m.arn);
  Date(w, "CreationDate", m.created_ms);
  w.Key("Enabled");
  w.Bool(m.state == store::KeyState::kEnabled);
  Str(w, "Description", m.description);
  Str(w, "KeyUsage", m.key_usage);
  Str(w, "KeyState", store::KeyStateName(m.state));
  if (m.state == store::KeyState::kPendingDeletion) {
    Date(w, "DeletionDate", m.deletion_ms);
    w.Key("PendingDeletionWindowInDays");
    w.Int(m.pending_window_days);
  }
  if (m.state == store::KeyState::kPendingReplicaDeletion) {
    w.Key("PendingDeletionWindowInDays");
    w.Int(m.pending_window_days);
  }
  Str(w, "Origin", m.origin);
  Str(w, "KeyManager", m.key_manager);
  Str(w, "CustomerMasterKeySpec", m.key_spec);
  Str(w, "KeySpec", m.key_spec);
  const AlgorithmList algorithms = AlgorithmsOf(key.spec, key.usage);
  w.Key(algorithms.member);
  WriteAlgorithmNames(w, algorithms);
  w.Key("MultiRegion");
  w.Bool(m.multi_region);
  if (m.multi_region) {
    w.Key("MultiRegionConfiguration");
    WriteMultiRegionConfiguration(w, m, related);
  }
  // Only symmetric encryption keys name their material (docs/spec/key-types.md 1.3),
  // and a replica being created has none yet. Symmetric keys of origin
  // EXTERNAL keep it after their material is deleted.
  if (key.spec == KeySpec::kSymmetricDefault && key.has_material()) {
    Str(w, "CurrentKeyMaterialId", key.current().material_id);
  }
  // Imported material shows its expiry while the key holds it (section 9.1).
  if (key.has_material() && key.current().held() && key.current().expiration) {
    Str(w, "ExpirationModel", std::string(Name(*key.current().expiration)));
    if (const auto valid_to = key.material_expiry()) Date(w, "ValidTo", *valid_to);
  }
  w.EndObject();
}

void WriteAlgorithmNames(JsonOut::Writer& w, const AlgorithmList& list) {
  w.StartArray();
  for (const char* name : list.names) w.String(name);
  w.EndArray();
}

}  // namespace kmslab::kms
