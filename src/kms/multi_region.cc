#include "kms/multi_region.h"

#include "core/random.h"
#include "core/strings.h"
#include "kms/errors.h"

namespace kmslab::kms {

namespace {
constexpr std::string_view kMrkPrefix = "mrk-";

bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

void WriteRegionalKey(JsonOut::Writer& w, const store::KeyRow& key) {
  w.StartObject();
  w.Key("Arn");
  w.String(key.arn.data(), static_cast<rapidjson::SizeType>(key.arn.size()));
  w.Key("Region");
  w.String(key.region.data(), static_cast<rapidjson::SizeType>(key.region.size()));
  w.EndObject();
}
}  // namespace

std::string NewMultiRegionKeyId() { return std::string(kMrkPrefix) + core::HexEncode(core::RandomBytes(16)); }

bool IsMultiRegionKeyId(std::string_view key_id) { return key_id.starts_with(kMrkPrefix); }

bool IsRegionPattern(std::string_view region) {
  // ([a-z]+-){2,3} then \d+
  size_t words = 0, i = 0;
  while (i < region.size() && IsLower(region[i])) {
    size_t start = i;
    while (i < region.size() && IsLower(region[i])) ++i;
    if (i == start || i == region.size() || region[i] != '-') return false;
    ++i;
    ++words;
  }
  if (words < 2 || words > 3 || i == region.size()) return false;
  for (; i < region.size(); ++i)
    if (!IsDigit(region[i])) return false;
  return true;
}

core::Status RegionPatternError(std::string_view value, std::string_view member) {
  return ValidationError("1 validation error detected: Value '" + std::string(value) + "' at '" +
                         std::string(member) +
                         "' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                         "^([a-z]+-){2,3}\\d+$");
}

bool IsPrimary(const store::KeyRow& key) { return key.multi_region_type == store::MultiRegionKeyType::kPrimary; }
bool IsReplica(const store::KeyRow& key) { return key.multi_region_type == store::MultiRegionKeyType::kReplica; }

KeyPtr PrimaryOf(const std::vector<KeyPtr>& related) {
  for (const KeyPtr& key : related)
    if (IsPrimary(key->meta)) return key;
  return nullptr;
}

core::Status RefuseReplica(const store::KeyRow& key) {
  return IsReplica(key) ? NotMultiRegionPrimaryError(key.arn) : core::Status();
}

void WriteMultiRegionConfiguration(JsonOut::Writer& w, const store::KeyRow& self,
                                   const std::vector<KeyPtr>& related) {
  w.StartObject();
  w.Key("MultiRegionKeyType");
  w.String(store::MultiRegionKeyTypeName(self.multi_region_type));
  if (KeyPtr primary = PrimaryOf(related)) {
    w.Key("PrimaryKey");
    WriteRegionalKey(w, primary->meta);
  }
  w.Key("ReplicaKeys");
  w.StartArray();
  for (const KeyPtr& key : related)
    if (IsReplica(key->meta)) WriteRegionalKey(w, key->meta);
  w.EndArray();
  w.EndObject();
}

void SetMultiRegionConditionKeys(policy::RequestContext& context, bool multi_region,
                                 store::MultiRegionKeyType type) {
  context.SetBool("kms:MultiRegion", multi_region);
  if (multi_region) context.Set("kms:MultiRegionKeyType", store::MultiRegionKeyTypeName(type));
}

}  // namespace kmslab::kms
