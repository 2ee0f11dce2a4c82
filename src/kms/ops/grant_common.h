// Pieces shared by the grant operations: the grant's wire shape, principal
// and name rules, and the grant operation names.
#ifndef KMSLAB_KMS_OPS_GRANT_COMMON_H_
#define KMSLAB_KMS_OPS_GRANT_COMMON_H_

#include <string>
#include <string_view>
#include <vector>

#include "kms/json_out.h"
#include "kms/key_registry.h"

namespace kmslab::kms::ops {

inline const std::vector<const char*> kGrantOperations = {
    "Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo",
    "Sign", "Verify", "GetPublicKey", "CreateGrant", "RetireGrant", "DescribeKey", "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext", "GenerateMac", "VerifyMac", "DeriveSharedSecret"};

// The grant operations a key of this spec and usage supports
// (docs/spec/key-types.md section 11.1).
std::vector<std::string_view> GrantOperationsFor(KeySpec spec, KeyUsage usage);

// Writes one grant as ListGrants shows it.
void WriteGrant(JsonOut::Writer& w, const GrantRecord& record, const std::string& key_arn);

// An AWS account id or root, IAM user or role, federated user or assumed-role
// ARN; `service_ok` also admits a service principal (x.amazonaws.com).
bool IsGrantPrincipal(const std::string& principal, bool service_ok);

// 64 lowercase hex characters.
bool IsGrantId(const std::string& grant_id);

}  // namespace kmslab::kms::ops

#endif  // KMSLAB_KMS_OPS_GRANT_COMMON_H_
