// ReEncrypt: decrypts under the source key (the one the blob names, or for an
// RSA source SourceKeyId; kms:ReEncryptFrom) and encrypts under
// DestinationKeyId (kms:ReEncryptTo), never exposing plaintext. Either key
// may be symmetric or RSA (key_encryption.h).
#include "kms/ops/common.h"
#include "kms/ops/key_encryption.h"

namespace kmslab::kms::ops {

namespace {
struct ReEncryptOp {
  static constexpr const char* kName = "ReEncrypt";
  struct Request {
    std::vector<std::string> grant_tokens;
    std::string blob, destination_key_id, source_algorithm, destination_algorithm;
    std::optional<std::string> source_key_id;
    StringMap source_context, destination_context;
    bool dry_run = false;
  };
  static void Read(RequestReader& r, Request& q) {
    q.blob = r.Blob("CiphertextBlob", {.required = true, .min = 1, .max = 6144}).value_or("");
    q.source_context = r.Map("SourceEncryptionContext").value_or(StringMap{});
    q.source_key_id = r.String("SourceKeyId", {.min = 1, .max = 2048});
    q.destination_key_id = r.String("DestinationKeyId", kKeyIdRule).value_or("");
    q.destination_context = r.Map("DestinationEncryptionContext").value_or(StringMap{});
    q.source_algorithm =
        r.String("SourceEncryptionAlgorithm", {.enum_values = kEncryptionAlgorithms}).value_or("SYMMETRIC_DEFAULT");
    q.destination_algorithm =
        r.String("DestinationEncryptionAlgorithm", {.enum_values = kEncryptionAlgorithms}).value_or("SYMMETRIC_DEFAULT");
    q.grant_tokens = r.StringList("GrantTokens", kGrantTokensRule).value_or(std::vector<std::string>{});
    q.dry_run = r.Bool("DryRun").value_or(false);
    r.Accept("DryRunModifiers");
  }
  static core::Status Resolve(Service& s, const CallContext& c, Request& q, Plan& plan) {
    plan.grant_tokens = q.grant_tokens;
    plan.dry_run = q.dry_run;
    ASSIGN_OR_RETURN(ResolvedKey source,
                     ResolveDecryptingKey(s, c, q.blob, "SourceKeyId", q.source_key_id, q.source_algorithm));
    plan.checks.push_back(
        {"kms:ReEncryptFrom", source.key->meta.arn, source.key, KeyUse::kCryptographic, source.request_alias});
    plan.checks.back().role = CheckRole::kSource;
    RETURN_IF_ERROR(PlanKey(s, c, q.destination_key_id, KeyIdForms::kKeyOrAlias, "kms:ReEncryptTo",
                            KeyUse::kCryptographic, plan, CheckRole::kDestination)
                        .status());
    AuthzCheck& from = plan[CheckRole::kSource];
    AuthzCheck& to = plan[CheckRole::kDestination];
    AddCryptoContext(from, q.source_context, q.source_algorithm);
    AddCryptoContext(to, q.destination_context, q.destination_algorithm);
    const bool same_key = from.key->meta.key_id == to.key->meta.key_id;
    for (AuthzCheck& check : plan.checks) check.context.SetBool("kms:ReEncryptOnSameKey", same_key);
    return core::Status();
  }
  static core::Status Execute(Service&, const CallContext&, const Request& q, const Plan& plan, JsonOut& out) {
    const Key& source = *plan[CheckRole::kSource].key;
    const Key& destination = *plan[CheckRole::kDestination].key;
    RETURN_IF_ERROR(CheckEncryptionUse(source, q.source_algorithm, q.source_context, kName));
    RETURN_IF_ERROR(CheckEncryptionUse(destination, q.destination_algorithm, q.destination_context, kName));
    ASSIGN_OR_RETURN(core::SecretBytes plaintext,
                     DecryptUnderKey(source, q.source_algorithm, q.blob, q.source_context));
    ASSIGN_OR_RETURN(std::string blob, EncryptUnderKey(destination, q.destination_algorithm, plaintext.Reveal(),
                                                       q.destination_context));
    out.Blob("CiphertextBlob", blob).Str("SourceKeyId", source.meta.arn).Str("KeyId", destination.meta.arn);
    out.Str("SourceEncryptionAlgorithm", q.source_algorithm);
    out.Str("DestinationEncryptionAlgorithm", q.destination_algorithm);
    // Key material ids exist for symmetric keys only.
    if (source.spec == KeySpec::kSymmetricDefault) {
      out.Str("SourceKeyMaterialId", CiphertextMaterial(source, q.blob).material_id);
    }
    if (destination.spec == KeySpec::kSymmetricDefault) {
      out.Str("DestinationKeyMaterialId", destination.current().material_id);
    }
    return core::Status();
  }
};
}  // namespace

KMSLAB_KMS_OPERATION(ReEncrypt, ReEncryptOp);

}  // namespace kmslab::kms::ops
