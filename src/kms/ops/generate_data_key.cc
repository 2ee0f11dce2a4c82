// GenerateDataKey and GenerateDataKeyWithoutPlaintext: a random data key,
// returned encrypted under the KMS key (and in clear for the first).
#include "core/random.h"
#include "kms/errors.h"
#include "kms/ops/common.h"

namespace kmslab::kms::ops {

namespace {
template <bool kWithPlaintext>
struct GenerateDataKeyOp {
  static constexpr const char* kName = kWithPlaintext ? "GenerateDataKey" : "GenerateDataKeyWithoutPlaintext";
  struct Request {
    std::vector<std::string> grant_tokens;
    std::string key_id;
    std::optional<std::string> key_spec;
    std::optional<int64_t> number_of_bytes;
    StringMap context;
    bool dry_run = false;
  };
  static void Read(RequestReader& r, Request& q) {
    q.key_id = r.String("KeyId", kKeyIdRule).value_or("");
    q.context = r.Map("EncryptionContext").value_or(StringMap{});
    q.number_of_bytes = r.Int("NumberOfBytes", {.min = 1, .max = 1024});
    q.key_spec = r.String("KeySpec", {.enum_values = {"AES_256", "AES_128"}});
    q.grant_tokens = r.StringList("GrantTokens", kGrantTokensRule).value_or(std::vector<std::string>{});
    q.dry_run = r.Bool("DryRun").value_or(false);
    if (kWithPlaintext) r.Accept("Recipient");
  }
  static core::Status Validate(const Request& q) {
    if (q.key_spec.has_value() == q.number_of_bytes.has_value()) {
      return ValidationError("Please specify either number of bytes or key spec.");
    }
    return core::Status();
  }
  static core::Status Resolve(Service& s, const CallContext& c, Request& q, Plan& plan) {
    plan.grant_tokens = q.grant_tokens;
    plan.dry_run = q.dry_run;
    RETURN_IF_ERROR(PlanKey(s, c, q.key_id, KeyIdForms::kKeyOrAlias,
                            kWithPlaintext ? "kms:GenerateDataKey" : "kms:GenerateDataKeyWithoutPlaintext",
                            KeyUse::kCryptographic, plan)
                        .status());
    AddCryptoContext(plan[CheckRole::kKey], q.context, "SYMMETRIC_DEFAULT");
    return core::Status();
  }
  static core::Status Execute(Service&, const CallContext&, const Request& q, const Plan& plan, JsonOut& out) {
    const Key& key = plan.key();
    RETURN_IF_ERROR(CheckSymmetricUse(key, "SYMMETRIC_DEFAULT", kName));
    size_t n = q.number_of_bytes ? static_cast<size_t>(*q.number_of_bytes) : (*q.key_spec == "AES_128" ? 16 : 32);
    core::SecretBytes data_key(core::RandomBytes(n));
    ASSIGN_OR_RETURN(std::string blob, SealUnderKey(key, data_key.Reveal(), q.context));
    out.Blob("CiphertextBlob", blob);
    if (kWithPlaintext) out.Blob("Plaintext", data_key.Reveal());
    out.Str("KeyId", key.meta.arn).Str("KeyMaterialId", key.current().material_id);
    return core::Status();
  }
};
}  // namespace

KMSLAB_KMS_OPERATION(GenerateDataKey, GenerateDataKeyOp<true>);
KMSLAB_KMS_OPERATION(GenerateDataKeyWithoutPlaintext, GenerateDataKeyOp<false>);

}  // namespace kmslab::kms::ops
