// Pieces the imported-material operations share (docs/spec/key-types.md section 9).
#ifndef KMSLAB_KMS_OPS_IMPORT_COMMON_H_
#define KMSLAB_KMS_OPS_IMPORT_COMMON_H_

#include "kms/errors.h"
#include "kms/key_import.h"
#include "kms/key_registry.h"

namespace kmslab::kms::ops {

// The purpose import tokens are sealed under (KeyRegistry::DeriveServerKey).
inline constexpr char kImportTokenPurpose[] = "kmslab/import-token/v1";

// UnsupportedOperationException `<ARN> origin is AWS_KMS which is not valid
// for this operation.` unless the key's material is imported.
inline core::Status CheckOriginExternal(const Key& key) {
  if (key.meta.origin != kOriginExternal) return OriginNotValidError(key.meta.arn, key.meta.origin);
  return core::Status();
}

}  // namespace kmslab::kms::ops

#endif  // KMSLAB_KMS_OPS_IMPORT_COMMON_H_
