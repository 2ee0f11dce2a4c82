// The static table of KMS operations: one entry per TrentService operation,
// each implemented in ops/<name>.cc as a pipeline operation (pipeline.h)
// and registered there with KMSLAB_KMS_OPERATION.
#ifndef KMSLAB_KMS_OPERATIONS_H_
#define KMSLAB_KMS_OPERATIONS_H_

#include <rapidjson/document.h>

#include <string_view>

#include "kms/call.h"
#include "kms/plan.h"

namespace kmslab::kms {

class Service;

#define KMSLAB_KMS_OPERATIONS(X)                                                                            \
  X(CancelKeyDeletion) X(CreateAlias) X(CreateGrant) X(CreateKey) X(Decrypt) X(DeleteAlias)                 \
  X(DeleteImportedKeyMaterial) X(DeriveSharedSecret) X(DescribeKey)                                         \
  X(DisableKey) X(DisableKeyRotation) X(EnableKey) X(EnableKeyRotation) X(Encrypt) X(GenerateDataKey)       \
  X(GenerateDataKeyPair) X(GenerateDataKeyPairWithoutPlaintext)                                             \
  X(GenerateDataKeyWithoutPlaintext) X(GenerateMac) X(GenerateRandom) X(GetKeyPolicy)                      \
  X(GetKeyRotationStatus) X(GetParametersForImport) X(GetPublicKey) X(ImportKeyMaterial)                   \
  X(ListAliases) X(ListGrants) X(ListKeyPolicies)                                                           \
  X(ListKeyRotations) X(ListKeys) X(ListResourceTags) X(ListRetirableGrants) X(PutKeyPolicy) X(ReEncrypt)   \
  X(ReplicateKey) X(RetireGrant) X(RevokeGrant) X(RotateKeyOnDemand) X(ScheduleKeyDeletion) X(Sign)         \
  X(TagResource) X(UntagResource) X(UpdateAlias) X(UpdateKeyDescription) X(UpdatePrimaryRegion) X(Verify)   \
  X(VerifyMac)

using OperationFn = Reply (*)(Service&, const CallContext&, const rapidjson::Value&);

namespace ops {
#define KMSLAB_DECLARE_OPERATION(name) extern const OperationFn name;
KMSLAB_KMS_OPERATIONS(KMSLAB_DECLARE_OPERATION)
#undef KMSLAB_DECLARE_OPERATION
}  // namespace ops

// Defines the table entry of operation `name` as the pipeline run for its
// struct (pipeline.h), inside namespace ops: never a hand-written function,
// so no operation can skip authorization or audit.
#define KMSLAB_KMS_OPERATION(name, ...)                                                                   \
  static_assert(std::string_view(__VA_ARGS__::kName) == #name, "kName must be the operation's name"); \
  const OperationFn name = &RunOperation<__VA_ARGS__>

// The operation named `name` ("Encrypt"), or null.
OperationFn FindOperation(std::string_view name);

}  // namespace kmslab::kms

#endif  // KMSLAB_KMS_OPERATIONS_H_
