#include "kms/aws_managed_key_policies.h"

#include <array>
#include <vector>

#include "core/arn.h"
#include "core/strings.h"
#include "kms/aws_managed_keys.h"

namespace kmslab::kms {

namespace {

// Each service's key policy is built from the statements AWS installs in an
// account's AWS managed key for it (policy Id, Sids, actions, conditions),
// as read from accounts' GetKeyPolicy output [O].

constexpr std::string_view kUse =
    R"(["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*","kms:GenerateDataKey*","kms:DescribeKey"])";
constexpr std::string_view kUseAndGrant =
    R"(["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*","kms:GenerateDataKey*","kms:CreateGrant","kms:DescribeKey"])";
constexpr std::string_view kAnyone = R"({"AWS":"*"})";

std::string Quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

// One statement; `condition` is a JSON object, or empty for none.
std::string Statement(std::string_view sid, std::string_view effect, std::string_view principal,
                      std::string_view actions, const std::string& condition = "") {
  std::string s = R"({"Sid":)" + Quoted(sid) + R"(,"Effect":)" + Quoted(effect) + R"(,"Principal":)" +
                  std::string(principal) + R"(,"Action":)" + std::string(actions) + R"(,"Resource":"*")";
  if (!condition.empty()) s += R"(,"Condition":)" + condition;
  return s + "}";
}

std::string Allow(std::string_view sid, std::string_view principal, std::string_view actions,
                  const std::string& condition = "") {
  return Statement(sid, "Allow", principal, actions, condition);
}

std::string CallerAccount(const std::string& account) { return R"("kms:CallerAccount":)" + Quoted(account); }

std::string ViaService(std::string_view endpoint, const std::string& region) {
  return R"("kms:ViaService":)" + Quoted(std::string(endpoint) + "." + region + ".amazonaws.com");
}

// {"StringEquals": {kms:CallerAccount, kms:ViaService}}: this account, through this service.
std::string ThroughCondition(const std::string& account, std::string_view endpoint, const std::string& region) {
  return R"({"StringEquals":{)" + CallerAccount(account) + "," + ViaService(endpoint, region) + "}}";
}

// "Allow access through <label> for all principals in the account that are authorized to use <label>".
std::string ThroughSid(std::string_view label) {
  return "Allow access through " + std::string(label) +
         " for all principals in the account that are authorized to use " + std::string(label);
}

// The account's root may read the key's metadata (and revoke its grants) directly.
std::string MetadataToAccount(const std::string& account, bool revoke_grant) {
  return Allow("Allow direct access to key metadata to the account",
               R"({"AWS":)" + Quoted(core::AccountRootArn(account)) + "}",
               revoke_grant ? R"(["kms:Describe*","kms:Get*","kms:List*","kms:RevokeGrant"])"
                            : R"(["kms:Describe*","kms:Get*","kms:List*"])");
}

// The service's own principal may read the key's metadata directly.
std::string ServiceDescribes(std::string_view sid, std::string_view service_principal) {
  return Allow(sid, R"({"Service":)" + Quoted(service_principal) + "}", R"(["kms:Describe*","kms:Get*","kms:List*"])");
}

std::string Document(std::string_view id, const std::vector<std::string>& statements) {
  return R"({"Version":"2012-10-17","Id":)" + Quoted(id) + R"(,"Statement":[)" + core::Join(statements, ",") + "]}";
}

// The common shape: use through one service, plus metadata to the account.
std::string UseThrough(std::string_view id, std::string_view label, std::string_view endpoint, std::string_view actions,
                       bool revoke_grant, const std::string& account, const std::string& region) {
  return Document(id, {Allow(ThroughSid(label), kAnyone, actions, ThroughCondition(account, endpoint, region)),
                       MetadataToAccount(account, revoke_grant)});
}

std::string AcmPolicy(const std::string& a, const std::string& r) {
  const std::string through = CallerAccount(a) + "," + ViaService("acm", r);
  const std::string for_aws_resource = R"("Bool":{"kms:GrantIsForAWSResource":"true"})";
  return Document(
      "auto-acm-4",
      {Allow("Allow creation of decryption grants", kAnyone, R"("kms:CreateGrant")",
             R"({"StringEquals":{)" + through + R"(},"ForAllValues:StringEquals":{"kms:GrantOperations":"Decrypt"},)" +
                 for_aws_resource + "}"),
       Allow("Allow creation of encryption grant", kAnyone, R"("kms:CreateGrant")",
             R"({"StringEquals":{)" + through +
                 R"(},"ForAllValues:StringEquals":{"kms:GrantOperations":["Encrypt","ReEncryptFrom","ReEncryptTo"]},)" +
                 for_aws_resource + "}"),
       Allow("Allowed operations for the key owner", kAnyone,
             R"(["kms:DescribeKey","kms:ListGrants","kms:RevokeGrant","kms:GetKeyPolicy"])",
             R"({"StringEquals":{)" + CallerAccount(a) + "}}"),
       Statement("Deny re-encryption to any other key", "Deny", kAnyone, R"("kms:ReEncrypt*")",
                 R"({"Bool":{"kms:ReEncryptOnSameKey":"false"}})"),
       Allow("Allow decrypt", kAnyone, R"("kms:Decrypt")", R"({"StringEquals":{)" + through + "}}")});
}

std::string DynamoDbPolicy(const std::string& a, const std::string& r) {
  return Document(
      "auto-dynamodb-1",
      {Allow(ThroughSid("Amazon DynamoDB"), kAnyone, kUseAndGrant, ThroughCondition(a, "dynamodb", r)),
       MetadataToAccount(a, true),
       ServiceDescribes("Allow DynamoDB Service with service principal name dynamodb.amazonaws.com to describe the key "
                        "directly",
                        "dynamodb.amazonaws.com")});
}

std::string EbsPolicy(const std::string& a, const std::string& r) {
  return UseThrough("auto-ebs-2", "EBS", "ec2", kUseAndGrant, true, a, r);
}

std::string EfsPolicy(const std::string& a, const std::string& r) {
  return Document("auto-elasticfilesystem-1",
                  {Allow("Allow access to EFS for all principals in the account that are authorized to use EFS",
                         kAnyone, kUseAndGrant, ThroughCondition(a, "elasticfilesystem", r)),
                   MetadataToAccount(a, true)});
}

std::string OpenSearchPolicy(const std::string& a, const std::string& r) {
  return Document(
      "auto-es-2",
      {Allow(ThroughSid("OpenSearch Service"), kAnyone, kUseAndGrant, ThroughCondition(a, "es", r)),
       MetadataToAccount(a, true),
       ServiceDescribes("Allow OpenSearch service principals to describe the key directly", "es.amazonaws.com")});
}

std::string GluePolicy(const std::string& a, const std::string& r) {
  return UseThrough("auto-glue-1", "Glue", "glue", kUseAndGrant, true, a, r);
}

std::string KinesisVideoPolicy(const std::string& a, const std::string& r) {
  return UseThrough("auto-kinesisvideo-1", "Kinesis Video Streams", "kinesisvideo", kUseAndGrant, true, a, r);
}

std::string LambdaPolicy(const std::string& a, const std::string& r) {
  return UseThrough("auto-awslambda", "AWS Lambda", "lambda", kUseAndGrant, true, a, r);
}

std::string RdsPolicy(const std::string& a, const std::string& r) {
  return UseThrough(
      "auto-rds-2", "RDS", "rds",
      R"(["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*","kms:GenerateDataKey*","kms:CreateGrant","kms:ListGrants","kms:DescribeKey"])",
      true, a, r);
}

std::string RedshiftPolicy(const std::string& a, const std::string& r) {
  return Document(
      "auto-redshift-3",
      {Allow(ThroughSid("RedShift"), kAnyone, kUseAndGrant, ThroughCondition(a, "redshift", r)),
       Allow(ThroughSid("RedShift-Serverless"), kAnyone, kUseAndGrant, ThroughCondition(a, "redshift-serverless", r)),
       MetadataToAccount(a, true)});
}

std::string S3Policy(const std::string& a, const std::string& r) {
  return UseThrough("auto-s3-2", "S3", "s3", kUse, false, a, r);
}

// Secrets Manager lets GenerateDataKey* through its endpoint in any region.
std::string SecretsManagerPolicy(const std::string& a, const std::string& r) {
  const std::string sid = ThroughSid("AWS Secrets Manager");
  return Document(
      "auto-secretsmanager-2",
      {Allow(sid, kAnyone, R"(["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*","kms:CreateGrant","kms:DescribeKey"])",
             ThroughCondition(a, "secretsmanager", r)),
       Allow(sid, kAnyone, R"("kms:GenerateDataKey*")",
             R"({"StringEquals":{)" + CallerAccount(a) +
                 R"(},"StringLike":{"kms:ViaService":"secretsmanager.*.amazonaws.com"}})"),
       MetadataToAccount(a, true)});
}

std::string SsmPolicy(const std::string& a, const std::string& r) {
  return UseThrough("auto-ssm-1", "SSM", "ssm", kUse, false, a, r);
}

std::string XRayPolicy(const std::string& a, const std::string& r) {
  return Document(
      "auto-xray-1",
      {Allow(ThroughSid("X-Ray"), kAnyone, kUseAndGrant, ThroughCondition(a, "xray", r)), MetadataToAccount(a, true),
       ServiceDescribes(
           "Allow X-Ray Service with service principal name xray.amazonaws.com to describe the key directly",
           "xray.amazonaws.com")});
}

struct ManagedKey {
  std::string_view alias;
  std::string_view protects;  // "Default key that protects my <protects> when no other key is defined"
  std::string (*policy)(const std::string& account, const std::string& region);
};

// By alias name, in kPredefinedAliases' order. Descriptions [O] for DynamoDB,
// EBS, Glue, RDS, S3, Secrets Manager and SSM (seen in accounts' DescribeKey
// output); [I] for the others.
constexpr std::array<ManagedKey, 14> kManagedKeys = {{
    {"alias/aws/acm", "ACM private keys", AcmPolicy},
    {"alias/aws/dynamodb", "DynamoDB data", DynamoDbPolicy},
    {"alias/aws/ebs", "EBS volumes", EbsPolicy},
    {"alias/aws/elasticfilesystem", "Elastic File System data", EfsPolicy},
    {"alias/aws/es", "OpenSearch Service data", OpenSearchPolicy},
    {"alias/aws/glue", "Glue data", GluePolicy},
    {"alias/aws/kinesisvideo", "Kinesis Video Streams data", KinesisVideoPolicy},
    {"alias/aws/lambda", "Lambda functions", LambdaPolicy},
    {"alias/aws/rds", "RDS database volumes", RdsPolicy},
    {"alias/aws/redshift", "Redshift data", RedshiftPolicy},
    {"alias/aws/s3", "S3 objects", S3Policy},
    {"alias/aws/secretsmanager", "Secrets Manager data", SecretsManagerPolicy},
    {"alias/aws/ssm", "SSM parameters", SsmPolicy},
    {"alias/aws/xray", "X-Ray data", XRayPolicy},
}};

// The table and kPredefinedAliases name the same aliases in the same order.
constexpr bool SameAliases() {
  for (size_t i = 0; i < kManagedKeys.size(); ++i) {
    if (kManagedKeys[i].alias != kPredefinedAliases[i]) return false;
  }
  return kManagedKeys.size() == kPredefinedAliases.size();
}
static_assert(SameAliases(), "kManagedKeys must follow kPredefinedAliases");

}  // namespace

std::optional<AwsManagedKeyTemplate> AwsManagedKeyFor(std::string_view alias, const std::string& account,
                                                      const std::string& region) {
  for (const ManagedKey& key : kManagedKeys) {
    if (key.alias != alias) continue;
    return AwsManagedKeyTemplate{
        "Default key that protects my " + std::string(key.protects) + " when no other key is defined",
        key.policy(account, region)};
  }
  return std::nullopt;
}

}  // namespace kmslab::kms
