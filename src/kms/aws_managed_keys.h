// AWS managed keys (alias/aws/<service>): KMS creates one per account and
// region the first time DescribeKey names the service's predefined alias, as
// the service does on first use (and as anyone may). Thread-safe.
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
// AwsManagedKeyFor's table follows this order (checked at compile time).
inline constexpr std::array<std::string_view, 14> kPredefinedAliases = {
    "alias/aws/acm", "alias/aws/dynamodb", "alias/aws/ebs",          "alias/aws/elasticfilesystem",
    "alias/aws/es",  "alias/aws/glue",     "alias/aws/kinesisvideo", "alias/aws/lambda",
    "alias/aws/rds", "alias/aws/redshift", "alias/aws/s3",           "alias/aws/secretsmanager",
    "alias/aws/ssm", "alias/aws/xray"};

// When `key_id` names a predefined alias (by name, or by alias ARN in the
// caller's account and the call's region) that has no key yet: creates its
// AWS managed key (KeyManager AWS, yearly rotation, the Description and key
// policy of AwsManagedKeyFor) and points the alias at it. Otherwise does
// nothing. [D] DescribeKey on a predefined alias creates the key; [I] it does
// so before the call is authorized, since there is no key to authorize
// against until then.
core::Status EnsureAwsManagedKey(KeyRegistry& keys, const CallContext& call, const std::string& key_id, int64_t now_ms);

}  // namespace kmslab::kms

#endif  // KMSLAB_KMS_AWS_MANAGED_KEYS_H_
