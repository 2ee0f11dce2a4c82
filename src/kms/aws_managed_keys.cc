#include "kms/aws_managed_keys.h"

#include <mutex>

#include "core/arn.h"
#include "core/random.h"

namespace kmslab::kms {

namespace {
constexpr char kDynamoDbAlias[] = "alias/aws/dynamodb";
constexpr int64_t kYearMillis = 365LL * 24 * 3600 * 1000;
}  // namespace

std::string AwsManagedDynamoDbPolicy(const std::string& account, const std::string& region) {
  return R"({"Version":"2012-10-17","Id":"auto-dynamodb-1","Statement":[)"
         R"({"Sid":"Allow access through Amazon DynamoDB for all principals in the account that are authorized to use Amazon DynamoDB",)"
         R"("Effect":"Allow","Principal":{"AWS":"*"},)"
         R"("Action":["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*","kms:GenerateDataKey*","kms:CreateGrant","kms:DescribeKey"],)"
         R"("Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":")" +
         account + R"(","kms:ViaService":"dynamodb.)" + region + R"(.amazonaws.com"}}},)"
         R"({"Sid":"Allow direct access to key metadata to the account","Effect":"Allow",)"
         R"("Principal":{"AWS":"arn:aws:iam::)" +
         account + R"(:root"},)"
         R"("Action":["kms:Describe*","kms:Get*","kms:List*","kms:RevokeGrant"],"Resource":"*"},)"
         R"({"Sid":"Allow DynamoDB Service with service principal name dynamodb.amazonaws.com to describe the key directly",)"
         R"("Effect":"Allow","Principal":{"Service":"dynamodb.amazonaws.com"},)"
         R"("Action":["kms:Describe*","kms:Get*","kms:List*"],"Resource":"*"}]})";
}

core::Status EnsureAwsManagedKey(KeyRegistry& keys, const CallContext& call, const std::string& key_id,
                                 int64_t now_ms) {
  const std::string& account = call.caller->account;
  if (!call.via_service.starts_with("dynamodb.") || account.empty()) return core::Status();
  if (key_id != kDynamoDbAlias && key_id != core::AliasArn(call.region, account, kDynamoDbAlias)) {
    return core::Status();
  }
  static std::mutex creating;  // one creator at a time: no second key for a racing first use
  std::lock_guard<std::mutex> lock(creating);
  if (keys.FindAlias(account, call.region, kDynamoDbAlias)) return core::Status();

  store::KeyRow meta;
  meta.key_id = core::NewUuid();
  meta.arn = core::KeyArn(call.region, account, meta.key_id);
  meta.account = account;
  meta.region = call.region;
  meta.created_ms = now_ms;
  meta.description = "Default key that protects my DynamoDB data when no other key is defined";
  meta.state = store::KeyState::kEnabled;
  meta.key_usage = "ENCRYPT_DECRYPT";
  meta.key_spec = "SYMMETRIC_DEFAULT";
  meta.origin = "AWS_KMS";
  meta.key_manager = "AWS";
  meta.policy = AwsManagedDynamoDbPolicy(account, call.region);
  meta.rotation_enabled = true;
  meta.rotation_period_days = 365;
  meta.next_rotation_ms = now_ms + kYearMillis;
  ASSIGN_OR_RETURN(KeyPtr key, keys.Create(std::move(meta)));
  return keys.PutAlias({account, call.region, kDynamoDbAlias, key->meta.key_id, now_ms, now_ms}, true);
}

}  // namespace kmslab::kms
