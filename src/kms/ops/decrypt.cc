// Decrypt: a symmetric ciphertext names its key (an optional KeyId must name
// the same key); an RSA ciphertext is a bare OAEP block, so the caller names
// the key and the algorithm. Authorized against the key that decrypts.
#include "kms/ops/common.h"
#include "kms/ops/key_encryption.h"

namespace kmslab::kms::ops {

namespace {
struct DecryptOp {
  static constexpr const char* kName = "Decrypt";
  struct Request {
    std::vector<std::string> grant_tokens;
    std::string blob, algorithm;
    std::optional<std::string> key_id;
    StringMap context;
    bool dry_run = false;
  };
  static void Read(RequestReader& r, Request& q) {
    q.blob = r.Blob("CiphertextBlob", {.required = true, .min = 1, .max = 6144}).value_or("");
    q.context = r.Map("EncryptionContext").value_or(StringMap{});
    q.grant_tokens = r.StringList("GrantTokens", kGrantTokensRule).value_or(std::vector<std::string>{});
    q.key_id = r.String("KeyId", {.min = 1, .max = 2048});
    q.algorithm = r.String("EncryptionAlgorithm", {.enum_values = kEncryptionAlgorithms}).value_or("SYMMETRIC_DEFAULT");
    q.dry_run = r.Bool("DryRun").value_or(false);
    r.Accept("DryRunModifiers");
    r.Accept("Recipient");
  }
  static core::Status Resolve(Service& s, const CallContext& c, Request& q, Plan& plan) {
    plan.grant_tokens = q.grant_tokens;
    plan.dry_run = q.dry_run;
    ASSIGN_OR_RETURN(ResolvedKey resolved, ResolveDecryptingKey(s, c, q.blob, "KeyId", q.key_id, q.algorithm));
    plan.checks.push_back(
        {"kms:Decrypt", resolved.key->meta.arn, resolved.key, KeyUse::kCryptographic, resolved.request_alias});
    AddCryptoContext(plan[CheckRole::kKey], q.context, q.algorithm);
    return core::Status();
  }
  static core::Status Execute(Service&, const CallContext&, const Request& q, const Plan& plan, JsonOut& out) {
    const Key& key = plan.key();
    RETURN_IF_ERROR(CheckEncryptionUse(key, q.algorithm, q.context, kName));
    ASSIGN_OR_RETURN(core::SecretBytes plaintext, DecryptUnderKey(key, q.algorithm, q.blob, q.context));
    out.Str("KeyId", key.meta.arn).Blob("Plaintext", plaintext.Reveal()).Str("EncryptionAlgorithm", q.algorithm);
    if (key.spec == KeySpec::kSymmetricDefault) out.Str("KeyMaterialId", CiphertextMaterial(key, q.blob).material_id);
    return core::Status();
  }
};
}  // namespace

KMSLAB_KMS_OPERATION(Decrypt, DecryptOp);

}  // namespace kmslab::kms::ops
