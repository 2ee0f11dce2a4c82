// Every registered KMS operation goes through authorization: with an
// authorizer that denies everything, each one, called with a request that
// would succeed, is refused with AccessDeniedException after consulting the
// authorizer (first for its own IAM action), and is audited exactly once. An operation added to
// KMSLAB_KMS_OPERATIONS without a request here fails the test, so none can
// join the table without showing that it cannot skip the pipeline.
#include <doctest/doctest.h>

#include <rapidjson/document.h>

#include <map>
#include <string>

#include "core/base64.h"
#include "crypto/rsa_oaep.h"
#include "kms/operations.h"
#include "kms/service_test_fixture.h"

namespace kmslab::kms {
namespace {

constexpr const char* kRoot = "arn:aws:iam::111122223333:root";
constexpr const char* kPolicy =
    R"({\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}]})";

// The string member `name` of a successful reply.
std::string Member(const Reply& reply, const char* name) {
  REQUIRE(reply.status.ok());
  rapidjson::Document doc;
  doc.Parse(reply.body.data(), reply.body.size());
  REQUIRE(doc.HasMember(name));
  return doc[name].GetString();
}

std::string Key(const std::string& id) { return R"({"KeyId": ")" + id + R"("})"; }

// A request that succeeds, for each operation, against keys made in `f`.
std::map<std::string, std::string> ValidRequests(Fixture& f) {
  const std::string sym = f.CreateKey(), other = f.CreateKey(), doomed = f.CreateKey();
  const std::string rsa = f.CreateKey(R"({"KeySpec": "RSA_2048", "KeyUsage": "SIGN_VERIFY"})");
  const std::string hmac = f.CreateKey(R"({"KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC"})");
  const std::string ecc = f.CreateKey(R"({"KeySpec": "ECC_NIST_P256", "KeyUsage": "KEY_AGREEMENT"})");
  const std::string external = f.CreateKey(R"({"Origin": "EXTERNAL"})");
  const std::string mrk = f.CreateKey(R"({"MultiRegion": true})");
  REQUIRE(f.Call("ScheduleKeyDeletion", Key(doomed)).status.ok());
  REQUIRE(f.Call("CreateAlias", R"({"AliasName": "alias/every-op", "TargetKeyId": ")" + sym + R"("})").status.ok());
  REQUIRE(f.Call("ReplicateKey", R"({"KeyId": ")" + mrk + R"(", "ReplicaRegion": "eu-west-1"})").status.ok());
  const Reply grant = f.Call("CreateGrant", R"({"KeyId": ")" + sym + R"(", "GranteePrincipal": ")" + kRoot +
                                                R"(", "RetiringPrincipal": ")" + kRoot +
                                                R"(", "Operations": ["Decrypt"]})");
  const std::string grant_id = Member(grant, "GrantId");
  const std::string blob =
      Member(f.Call("Encrypt", R"({"KeyId": ")" + sym + R"(", "Plaintext": "aGk="})"), "CiphertextBlob");
  const std::string signature = Member(
      f.Call("Sign", R"({"KeyId": ")" + rsa + R"(", "Message": "aGk=", "SigningAlgorithm": "RSASSA_PSS_SHA_256"})"),
      "Signature");
  const std::string mac = Member(
      f.Call("GenerateMac", R"({"KeyId": ")" + hmac + R"(", "Message": "aGk=", "MacAlgorithm": "HMAC_SHA_256"})"),
      "Mac");
  const std::string peer = Member(f.Call("GetPublicKey", Key(ecc)), "PublicKey");
  const Reply params = f.Call("GetParametersForImport", R"({"KeyId": ")" + external +
                                                            R"(", "WrappingAlgorithm": "RSAES_OAEP_SHA_256",
                                                            "WrappingKeySpec": "RSA_2048"})");
  std::string wrapping_key;
  REQUIRE(core::Base64Decode(Member(params, "PublicKey"), &wrapping_key));
  const std::string wrapped = core::Base64Encode(
      crypto::RsaOaepEncrypt(wrapping_key, crypto::OaepHash::kSha256, std::string(32, 'm')).value());
  const std::string token = Member(params, "ImportToken");

  const std::string on_sym = R"({"KeyId": ")" + sym + R"(", )";
  return {
      {"CancelKeyDeletion", Key(doomed)},
      {"CreateAlias", R"({"AliasName": "alias/every-op-new", "TargetKeyId": ")" + sym + R"("})"},
      {"CreateGrant", on_sym + R"("GranteePrincipal": ")" + kRoot + R"(", "Operations": ["Encrypt"]})"},
      {"CreateKey", "{}"},
      {"Decrypt", R"({"CiphertextBlob": ")" + blob + R"("})"},
      {"DeleteAlias", R"({"AliasName": "alias/every-op"})"},
      {"DeleteImportedKeyMaterial", Key(external)},
      {"DeriveSharedSecret",
       R"({"KeyId": ")" + ecc + R"(", "KeyAgreementAlgorithm": "ECDH", "PublicKey": ")" + peer + R"("})"},
      {"DescribeKey", Key(sym)},
      {"DisableKey", Key(sym)},
      {"DisableKeyRotation", Key(sym)},
      {"EnableKey", Key(sym)},
      {"EnableKeyRotation", Key(sym)},
      {"Encrypt", on_sym + R"("Plaintext": "aGk="})"},
      {"GenerateDataKey", on_sym + R"("KeySpec": "AES_256"})"},
      {"GenerateDataKeyPair", on_sym + R"("KeyPairSpec": "ECC_NIST_P256"})"},
      {"GenerateDataKeyPairWithoutPlaintext", on_sym + R"("KeyPairSpec": "ECC_NIST_P256"})"},
      {"GenerateDataKeyWithoutPlaintext", on_sym + R"("NumberOfBytes": 32})"},
      {"GenerateMac", R"({"KeyId": ")" + hmac + R"(", "Message": "aGk=", "MacAlgorithm": "HMAC_SHA_256"})"},
      {"GenerateRandom", R"({"NumberOfBytes": 16})"},
      {"GetKeyPolicy", Key(sym)},
      {"GetKeyRotationStatus", Key(sym)},
      {"GetParametersForImport",
       R"({"KeyId": ")" + external + R"(", "WrappingAlgorithm": "RSAES_OAEP_SHA_256", "WrappingKeySpec": "RSA_2048"})"},
      {"GetPublicKey", Key(rsa)},
      {"ImportKeyMaterial", R"({"KeyId": ")" + external + R"(", "ImportToken": ")" + token +
                                R"(", "EncryptedKeyMaterial": ")" + wrapped +
                                R"(", "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE"})"},
      {"ListAliases", "{}"},
      {"ListGrants", Key(sym)},
      {"ListKeyPolicies", Key(sym)},
      {"ListKeyRotations", Key(sym)},
      {"ListKeys", "{}"},
      {"ListResourceTags", Key(sym)},
      {"ListRetirableGrants", std::string(R"({"RetiringPrincipal": ")") + kRoot + R"("})"},
      {"PutKeyPolicy", on_sym + R"("Policy": ")" + kPolicy + R"("})"},
      {"ReEncrypt", R"({"CiphertextBlob": ")" + blob + R"(", "DestinationKeyId": ")" + other + R"("})"},
      {"ReplicateKey", R"({"KeyId": ")" + mrk + R"(", "ReplicaRegion": "ap-southeast-1"})"},
      {"RetireGrant", on_sym + R"("GrantId": ")" + grant_id + R"("})"},
      {"RevokeGrant", on_sym + R"("GrantId": ")" + grant_id + R"("})"},
      {"RotateKeyOnDemand", Key(sym)},
      {"ScheduleKeyDeletion", Key(sym)},
      {"Sign", R"({"KeyId": ")" + rsa + R"(", "Message": "aGk=", "SigningAlgorithm": "RSASSA_PSS_SHA_256"})"},
      {"TagResource", on_sym + R"("Tags": [{"TagKey": "team", "TagValue": "blue"}]})"},
      {"UntagResource", on_sym + R"("TagKeys": ["team"]})"},
      {"UpdateAlias", R"({"AliasName": "alias/every-op", "TargetKeyId": ")" + other + R"("})"},
      {"UpdateKeyDescription", on_sym + R"("Description": "renamed"})"},
      {"UpdatePrimaryRegion", R"({"KeyId": ")" + mrk + R"(", "PrimaryRegion": "eu-west-1"})"},
      {"Verify", R"({"KeyId": ")" + rsa + R"(", "Message": "aGk=", "Signature": ")" + signature +
                     R"(", "SigningAlgorithm": "RSASSA_PSS_SHA_256"})"},
      {"VerifyMac", R"({"KeyId": ")" + hmac + R"(", "Message": "aGk=", "Mac": ")" + mac +
                        R"(", "MacAlgorithm": "HMAC_SHA_256"})"},
  };
}

TEST_CASE("with an authorizer that denies everything, no operation succeeds and each is audited once") {
  Fixture f;
  const std::map<std::string, std::string> requests = ValidRequests(f);
  f.authorizer.deny = true;
#define KMSLAB_NAME(name) #name,
  for (const char* op : {KMSLAB_KMS_OPERATIONS(KMSLAB_NAME)}) {
#undef KMSLAB_NAME
    CAPTURE(op);
    const auto request = requests.find(op);
    REQUIRE_MESSAGE(request != requests.end(), "no request for this operation: add one to ValidRequests");
    const size_t audited = f.sink.operations.size();
    const int authorizations = f.authorizer.calls;
    const Reply reply = f.Call(op, request->second);
    CHECK(reply.status.aws_type() == "AccessDeniedException");
    REQUIRE(f.authorizer.calls > authorizations);
    // The first authorization is the operation's own IAM action, but for
    // ReEncrypt, whose IAM actions are ReEncryptFrom and ReEncryptTo.
    const std::string own_action = std::string(op) == "ReEncrypt" ? "kms:ReEncryptFrom" : std::string("kms:") + op;
    CHECK(f.authorizer.actions.back() == own_action);
    REQUIRE(f.sink.operations.size() == audited + 1);
    CHECK(f.sink.operations.back() == op);
  }
  // The same requests are good ones: allowed, they succeed (so the denials
  // above were the authorizer's, not a bad request's).
  f.authorizer.deny = false;
  for (const char* op : {"Encrypt", "Sign", "Verify", "GenerateMac", "VerifyMac", "DeriveSharedSecret", "ReEncrypt",
                         "ImportKeyMaterial", "UpdatePrimaryRegion", "RetireGrant"}) {
    CAPTURE(op);
    CHECK(f.Call(op, requests.at(op)).status.ok());
  }
}

}  // namespace
}  // namespace kmslab::kms
