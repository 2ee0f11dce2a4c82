#include "ddb/kms_bridge.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/base64.h"
#include "core/random.h"
#include "ddb/errors.h"

namespace kmslab::ddb {

namespace {

constexpr char kDynamoDbHost[] = "dynamodb.amazonaws.com";

std::string ServicePrincipal(const std::string& region) { return "dynamodb." + region + ".amazonaws.com"; }

const iam::IdentityPtr& DynamoDbIdentity() {
  static const iam::IdentityPtr identity = [] {
    auto id = std::make_shared<iam::Identity>();
    id->type = "AWSService";
    id->service = kDynamoDbHost;
    return id;
  }();
  return identity;
}

kms::CallContext ServiceCall(const std::string& region) {
  kms::CallContext call;
  call.caller = DynamoDbIdentity();
  call.region = region;
  call.request_id = core::NewUuid();
  call.source_ip = kDynamoDbHost;
  call.user_agent = kDynamoDbHost;
  return call;
}

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void WriteContext(Writer& w, const EncryptionContext& context) {
  w.StartObject();
  for (const auto& [k, v] : context) {
    w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
    w.String(v);
  }
  w.EndObject();
}

// {"KeyId": key_arn, "EncryptionContext": context, ...extra members}
template <typename Extra>
std::string KeyRequest(const std::string& key_field, const std::string& key_value, const EncryptionContext* context,
                       Extra extra) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key(key_field.data(), static_cast<rapidjson::SizeType>(key_field.size()));
  w.String(key_value);
  if (context) {
    w.Key("EncryptionContext");
    WriteContext(w, *context);
  }
  extra(w);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

const auto kNoExtra = [](Writer&) {};

// Writes GrantTokens: [token] when there is one.
auto WithToken(const std::string& token) {
  return [&token](Writer& w) {
    if (token.empty()) return;
    w.Key("GrantTokens");
    w.StartArray();
    w.String(token);
    w.EndArray();
  };
}

std::string Member(const rapidjson::Value& v, const char* name) {
  auto it = v.FindMember(name);
  return it != v.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString(), it->value.GetStringLength())
                                                     : std::string();
}

core::StatusOr<core::SecretBytes> DecodedPlaintext(const rapidjson::Document& reply) {
  std::string bytes;
  if (!core::Base64Decode(Member(reply, "Plaintext"), &bytes)) return InternalServerError("KMS returned no plaintext");
  return core::SecretBytes(std::move(bytes));
}

}  // namespace

EncryptionContext TableContext(const std::string& table_name, const std::string& account) {
  return {{"aws:dynamodb:subscriberId", account}, {"aws:dynamodb:tableName", table_name}};
}

kms::CallContext ForwardedCall(const kms::CallContext& caller) {
  kms::CallContext call = caller;
  call.request_id = core::NewUuid();
  call.via_service = ServicePrincipal(caller.region);
  call.source_ip = kDynamoDbHost;
  call.user_agent = kDynamoDbHost;
  return call;
}

core::Status KmsBridge::Call(const kms::CallContext& call, std::string_view operation, const std::string& body,
                             rapidjson::Document* reply) const {
  kms::Reply result = kms_->Handle(operation, body, call);
  if (!result.status.ok()) return FromKmsError(result.status, call.request_id);
  if (reply) {
    reply->Parse(result.body.data(), result.body.size());
    if (reply->HasParseError() || !reply->IsObject()) return InternalServerError("KMS returned malformed JSON");
  }
  return core::Status();
}

core::StatusOr<KmsKey> KmsBridge::DescribeKey(const kms::CallContext& caller, const std::string& key_id) const {
  rapidjson::Document reply;
  RETURN_IF_ERROR(Call(ForwardedCall(caller), "DescribeKey", KeyRequest("KeyId", key_id, nullptr, kNoExtra), &reply));
  auto meta = reply.FindMember("KeyMetadata");
  if (meta == reply.MemberEnd() || !meta->value.IsObject()) return InternalServerError("KMS returned no KeyMetadata");
  return KmsKey{Member(meta->value, "Arn"), Member(meta->value, "KeySpec"), Member(meta->value, "KeyState")};
}

core::StatusOr<KmsBridge::Grant> KmsBridge::CreateTableGrant(const kms::CallContext& caller, const std::string& key_arn,
                                                        const EncryptionContext& context) const {
  const std::string principal = ServicePrincipal(caller.region);
  std::string body = KeyRequest("KeyId", key_arn, nullptr, [&](Writer& w) {
    w.Key("GranteePrincipal");
    w.String(principal);
    w.Key("RetiringPrincipal");
    w.String(principal);
    w.Key("Operations");
    w.StartArray();
    for (const char* op : {"Decrypt", "Encrypt", "GenerateDataKey", "ReEncryptFrom", "ReEncryptTo", "RetireGrant",
                           "DescribeKey"}) {
      w.String(op);
    }
    w.EndArray();
    w.Key("Constraints");
    w.StartObject();
    w.Key("EncryptionContextSubset");
    WriteContext(w, context);
    w.EndObject();
    w.Key("Name");
    w.String(core::NewUuid());
  });
  rapidjson::Document reply;
  RETURN_IF_ERROR(Call(ForwardedCall(caller), "CreateGrant", body, &reply));
  return Grant{Member(reply, "GrantId"), Member(reply, "GrantToken")};
}

core::StatusOr<core::SecretBytes> KmsBridge::Decrypt(const kms::CallContext& caller, const std::string& blob,
                                                     const EncryptionContext& context) const {
  rapidjson::Document reply;
  RETURN_IF_ERROR(Call(ForwardedCall(caller), "Decrypt",
                       KeyRequest("CiphertextBlob", core::Base64Encode(blob), &context, kNoExtra), &reply));
  return DecodedPlaintext(reply);
}

core::StatusOr<TableKey> KmsBridge::GenerateTableKey(const std::string& region, const std::string& key_arn,
                                                     const EncryptionContext& context,
                                                     const std::string& grant_token) const {
  rapidjson::Document reply;
  RETURN_IF_ERROR(Call(ServiceCall(region), "GenerateDataKey", KeyRequest("KeyId", key_arn, &context, [&](Writer& w) {
                         w.Key("KeySpec");
                         w.String("AES_256");
                         WithToken(grant_token)(w);
                       }),
                       &reply));
  std::string blob;
  if (!core::Base64Decode(Member(reply, "CiphertextBlob"), &blob)) {
    return InternalServerError("KMS returned no ciphertext");
  }
  ASSIGN_OR_RETURN(core::SecretBytes plaintext, DecodedPlaintext(reply));
  return TableKey{std::move(plaintext), std::move(blob)};
}

core::StatusOr<core::SecretBytes> KmsBridge::ServiceDecrypt(const std::string& region, const std::string& blob,
                                                            const EncryptionContext& context,
                                                            const std::string& grant_token) const {
  rapidjson::Document reply;
  RETURN_IF_ERROR(Call(ServiceCall(region), "Decrypt",
                       KeyRequest("CiphertextBlob", core::Base64Encode(blob), &context, WithToken(grant_token)),
                       &reply));
  return DecodedPlaintext(reply);
}

core::Status KmsBridge::ServiceDescribeKey(const std::string& region, const std::string& key_arn,
                                           const std::string& grant_token) const {
  return Call(ServiceCall(region), "DescribeKey", KeyRequest("KeyId", key_arn, nullptr, WithToken(grant_token)),
              nullptr);
}

core::Status KmsBridge::RetireGrant(const std::string& region, const std::string& key_arn,
                                    const std::string& grant_id) const {
  return Call(ServiceCall(region), "RetireGrant", KeyRequest("KeyId", key_arn, nullptr, [&](Writer& w) {
                w.Key("GrantId");
                w.String(grant_id);
              }),
              nullptr);
}

}  // namespace kmslab::ddb
