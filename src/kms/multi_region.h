// Multi-Region keys (docs/spec/key-types.md section 8): related keys in several
// Regions of one account share a key id ("mrk-" + 32 hex) and every key
// material version; one of them is the PRIMARY, the others REPLICAs.
// These helpers are pure apart from reading the registry; thread-safe.
#ifndef KMSLAB_KMS_MULTI_REGION_H_
#define KMSLAB_KMS_MULTI_REGION_H_

#include <string>
#include <string_view>
#include <vector>

#include "kms/json_out.h"
#include "kms/key_registry.h"
#include "policy/policy.h"

namespace kmslab::kms {

// A fresh multi-Region key id: "mrk-" and 32 lowercase hex digits.
std::string NewMultiRegionKeyId();
// Whether `key_id` names a multi-Region key (only those have the "mrk-" form).
bool IsMultiRegionKeyId(std::string_view key_id);
// Whether `region` matches ReplicateKey's and UpdatePrimaryRegion's Region
// pattern, ^([a-z]+-){2,3}\d+$.
bool IsRegionPattern(std::string_view region);
// The ValidationException for a Region member (`member`: "replicaRegion")
// that does not match IsRegionPattern.
core::Status RegionPatternError(std::string_view value, std::string_view member);

bool IsPrimary(const store::KeyRow& key);
bool IsReplica(const store::KeyRow& key);
// The primary among `related` (KeyRegistry::Related), or null.
KeyPtr PrimaryOf(const std::vector<KeyPtr>& related);
// For primary-only operations (rotation settings, on-demand rotation): a
// replica gets UnsupportedOperationException; other keys pass.
core::Status RefuseReplica(const store::KeyRow& key);

// Writes MultiRegionConfiguration's value for a key whose related keys are
// `related` (primary first): the type is that of the key being described,
// `self`; every key but the primary is listed under ReplicaKeys.
void WriteMultiRegionConfiguration(JsonOut::Writer& w, const store::KeyRow& self,
                                   const std::vector<KeyPtr>& related);

// Sets kms:MultiRegion and, for multi-Region keys, kms:MultiRegionKeyType.
void SetMultiRegionConditionKeys(policy::RequestContext& context, bool multi_region,
                                 store::MultiRegionKeyType type);

}  // namespace kmslab::kms

#endif  // KMSLAB_KMS_MULTI_REGION_H_
