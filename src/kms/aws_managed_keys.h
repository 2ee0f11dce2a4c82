// AWS managed keys (alias/aws/<service>): KMS creates one per account and
// region the first time the service asks for it, i.e. when a call forwarded by
// that service (CallContext::via_service) names the predefined alias.
// Thread-safe.
#ifndef KMSLAB_KMS_AWS_MANAGED_KEYS_H_
#define KMSLAB_KMS_AWS_MANAGED_KEYS_H_

#include <array>
#include <string>
#include <string_view>

#include "core/status.h"
#include "kms/call.h"
#include "kms/key_registry.h"

namespace kmslab::kms {

// The aliases AWS predefines in every account and Region for its services'
// AWS managed keys, sorted. ListAliases lists them, without TargetKeyId, until
// the key exists. [I] The set AWS documents no list of; these are the names
// common to accounts' ListAliases output and other emulators' lists.
inline constexpr std::array<std::string_view, 14> kPredefinedAliases = {
    "alias/aws/acm", "alias/aws/dynamodb", "alias/aws/ebs", "alias/aws/elasticfilesystem", "alias/aws/es",
    "alias/aws/glue", "alias/aws/kinesisvideo", "alias/aws/lambda", "alias/aws/rds", "alias/aws/redshift",
    "alias/aws/s3", "alias/aws/secretsmanager", "alias/aws/ssm", "alias/aws/xray"};

// When `key_id` names alias/aws/dynamodb (by name or ARN, in the caller's
// account and the call's region), the call is forwarded by DynamoDB, and the
// alias does not exist yet: creates the key (KeyManager AWS, yearly rotation,
// the AWS managed key policy of policies/aws-managed-dynamodb.json) and the
// alias. Otherwise does nothing.
core::Status EnsureAwsManagedKey(KeyRegistry& keys, const CallContext& call, const std::string& key_id,
                                 int64_t now_ms);

// The key policy of the AWS managed key for DynamoDB.
std::string AwsManagedDynamoDbPolicy(const std::string& account, const std::string& region);

}  // namespace kmslab::kms

#endif  // KMSLAB_KMS_AWS_MANAGED_KEYS_H_
