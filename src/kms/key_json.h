// KeyMetadata as DescribeKey, CreateKey and the key-state operations return it.
#ifndef KMSLAB_KMS_KEY_JSON_H_
#define KMSLAB_KMS_KEY_JSON_H_

#include "kms/json_out.h"
#include "kms/key_registry.h"

namespace kmslab::kms {

// Writes the KeyMetadata object (the value only; the caller writes the member
// name). `related` is KeyRegistry::Related(key.meta): empty for single-Region keys.
void WriteKeyMetadata(JsonOut::Writer& w, const Key& key, const std::vector<KeyPtr>& related);

// Writes the list's names as an array (the value only).
void WriteAlgorithmNames(JsonOut::Writer& w, const AlgorithmList& list);

}  // namespace kmslab::kms

#endif  // KMSLAB_KMS_KEY_JSON_H_
