// DeriveSharedSecret (docs/spec/key-types.md section 6): ECDH between a
// KEY_AGREEMENT key's private key and the caller's public key (DER
// SubjectPublicKeyInfo on the same curve); the secret is the raw shared
// x-coordinate.
#include "crypto/ecdh.h"
#include "kms/errors.h"
#include "kms/ops/common.h"

namespace kmslab::kms::ops {

namespace {
struct DeriveSharedSecretOp {
  static constexpr const char* kName = "DeriveSharedSecret";
  struct Request {
    std::vector<std::string> grant_tokens;
    std::string key_id, algorithm, peer_public_key;
    bool dry_run = false;
    bool has_recipient = false;
  };
  static void Read(RequestReader& r, Request& q) {
    q.key_id = r.String("KeyId", kKeyIdRule).value_or("");
    q.algorithm = r.String("KeyAgreementAlgorithm", {.required = true, .enum_values = {"ECDH"}}).value_or("");
    q.peer_public_key = r.Blob("PublicKey", {.required = true, .min = 1, .max = 8192}).value_or("");
    q.grant_tokens = r.StringList("GrantTokens", kGrantTokensRule).value_or(std::vector<std::string>{});
    q.dry_run = r.Bool("DryRun").value_or(false);
    q.has_recipient = r.Object("Recipient") != nullptr;
  }
  static core::Status Validate(const Request& q) {
    if (q.has_recipient) return RecipientUnsupportedError();
    return core::Status();
  }
  static core::Status Resolve(Service& s, const CallContext& c, Request& q, Plan& plan) {
    RETURN_IF_ERROR(PlanCryptoKey(s, c, q.key_id, "kms:DeriveSharedSecret", q.grant_tokens, q.dry_run, plan));
    plan[CheckRole::kKey].context.Set("kms:KeyAgreementAlgorithm", q.algorithm);
    return core::Status();
  }
  static core::Status Execute(Service&, const CallContext&, const Request& q, const Plan& plan, JsonOut& out) {
    const Key& key = plan.key();
    RETURN_IF_ERROR(CheckKeyUsage(key, KeyUsage::kKeyAgreement, kName));
    ASSIGN_OR_RETURN(const crypto::PrivateKey* private_key, key.current_private_key());
    auto secret = crypto::DeriveEcdhSecret(*private_key, q.peer_public_key);
    // AWS answers a peer key it cannot use with an empty message.
    if (secret.status().code() == core::Code::kInvalidArgument) return ValidationError("");
    RETURN_IF_ERROR(secret.status());
    out.Str("KeyId", key.meta.arn).Blob("SharedSecret", secret->Reveal());
    out.Str("KeyAgreementAlgorithm", q.algorithm).Str("KeyOrigin", key.meta.origin);
    return core::Status();
  }
};
}  // namespace

KMSLAB_KMS_OPERATION(DeriveSharedSecret, DeriveSharedSecretOp);

}  // namespace kmslab::kms::ops
