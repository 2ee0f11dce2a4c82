// Encrypt: up to 4096 bytes under a symmetric key's current material, bound
// to the encryption context, or one RSAES-OAEP block under an RSA
// ENCRYPT_DECRYPT key (key_encryption.h).
#include "kms/ops/common.h"
#include "kms/ops/key_encryption.h"

namespace kmslab::kms::ops {

namespace {
struct EncryptOp {
  static constexpr const char* kName = "Encrypt";
  struct Request {
    std::vector<std::string> grant_tokens;
    std::string key_id, plaintext, algorithm;
    StringMap context;
    bool dry_run = false;
  };
  static void Read(RequestReader& r, Request& q) {
    q.key_id = r.String("KeyId", kKeyIdRule).value_or("");
    q.plaintext = r.Blob("Plaintext", {.required = true, .min = 1, .max = 4096}).value_or("");
    q.context = r.Map("EncryptionContext").value_or(StringMap{});
    q.grant_tokens = r.StringList("GrantTokens", kGrantTokensRule).value_or(std::vector<std::string>{});
    q.algorithm = r.String("EncryptionAlgorithm", {.enum_values = kEncryptionAlgorithms}).value_or("SYMMETRIC_DEFAULT");
    q.dry_run = r.Bool("DryRun").value_or(false);
  }
  static core::Status Resolve(Service& s, const CallContext& c, Request& q, Plan& plan) {
    plan.grant_tokens = q.grant_tokens;
    plan.dry_run = q.dry_run;
    RETURN_IF_ERROR(
        PlanKey(s, c, q.key_id, KeyIdForms::kKeyOrAlias, "kms:Encrypt", KeyUse::kCryptographic, plan).status());
    AddCryptoContext(plan[CheckRole::kKey], q.context, q.algorithm);
    return core::Status();
  }
  static core::Status Execute(Service&, const CallContext&, const Request& q, const Plan& plan, JsonOut& out) {
    const Key& key = plan.key();
    RETURN_IF_ERROR(CheckEncryptionUse(key, q.algorithm, q.context, kName));
    ASSIGN_OR_RETURN(std::string blob, EncryptUnderKey(key, q.algorithm, q.plaintext, q.context));
    out.Blob("CiphertextBlob", blob).Str("KeyId", key.meta.arn).Str("EncryptionAlgorithm", q.algorithm);
    return core::Status();
  }
};
}  // namespace

KMSLAB_KMS_OPERATION(Encrypt, EncryptOp);

}  // namespace kmslab::kms::ops
