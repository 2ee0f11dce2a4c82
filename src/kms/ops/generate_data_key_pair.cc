// GenerateDataKeyPair and GenerateDataKeyPairWithoutPlaintext
// (docs/spec/key-types.md section 5): a fresh RSA, EC or Ed25519 key pair whose
// private key (DER PKCS#8) is returned as an ordinary symmetric ciphertext
// under the KMS key, bound to the encryption context, and in clear for the
// first; the public key is DER SubjectPublicKeyInfo.
#include "crypto/asymmetric_key.h"
#include "kms/errors.h"
#include "kms/key_material.h"
#include "kms/ops/common.h"

namespace kmslab::kms::ops {

namespace {
template <bool kWithPlaintext>
struct GenerateDataKeyPairOp {
  static constexpr const char* kName =
      kWithPlaintext ? "GenerateDataKeyPair" : "GenerateDataKeyPairWithoutPlaintext";
  struct Request {
    std::vector<std::string> grant_tokens;
    std::string key_id, key_pair_spec;
    StringMap context;
    bool dry_run = false;
    bool has_recipient = false;
  };
  static void Read(RequestReader& r, Request& q) {
    q.context = r.Map("EncryptionContext").value_or(StringMap{});
    q.key_id = r.String("KeyId", kKeyIdRule).value_or("");
    q.key_pair_spec =
        r.String("KeyPairSpec", {.required = true, .enum_values = kDataKeyPairSpecNames}).value_or("");
    q.grant_tokens = r.StringList("GrantTokens", kGrantTokensRule).value_or(std::vector<std::string>{});
    if (kWithPlaintext) q.has_recipient = r.Object("Recipient") != nullptr;
    q.dry_run = r.Bool("DryRun").value_or(false);
  }
  static core::Status Validate(const Request& q) {
    if (q.has_recipient) return RecipientUnsupportedError();
    // SM2 is offered in China only (section 15.11).
    if (!CanGenerate(*ParseKeySpec(q.key_pair_spec))) {
      return UnsupportedOperationError("KeyPairSpec " + q.key_pair_spec + " is not supported in this Region");
    }
    return core::Status();
  }
  static core::Status Resolve(Service& s, const CallContext& c, Request& q, Plan& plan) {
    RETURN_IF_ERROR(PlanCryptoKey(s, c, q.key_id,
                                  kWithPlaintext ? "kms:GenerateDataKeyPair" : "kms:GenerateDataKeyPairWithoutPlaintext",
                                  q.grant_tokens, q.dry_run, plan));
    AddCryptoContext(plan[CheckRole::kKey], q.context, "SYMMETRIC_DEFAULT");
    plan[CheckRole::kKey].context.Set("kms:DataKeyPairSpec", q.key_pair_spec);
    return core::Status();
  }
  static core::Status Execute(Service&, const CallContext&, const Request& q, const Plan& plan, JsonOut& out) {
    const Key& key = plan.key();
    // Only a symmetric encryption key wraps (an RSA key: the algorithm error).
    RETURN_IF_ERROR(CheckSymmetricUse(key, "SYMMETRIC_DEFAULT", kName));
    ASSIGN_OR_RETURN(core::SecretBytes private_key, GenerateKeyMaterial(*ParseKeySpec(q.key_pair_spec)));
    ASSIGN_OR_RETURN(std::string public_key, crypto::PublicKeyInfo(private_key));
    ASSIGN_OR_RETURN(std::string sealed, SealUnderKey(key, private_key.Reveal(), q.context));
    out.Blob("PrivateKeyCiphertextBlob", sealed);
    if (kWithPlaintext) out.Blob("PrivateKeyPlaintext", private_key.Reveal());
    out.Blob("PublicKey", public_key).Str("KeyId", key.meta.arn).Str("KeyPairSpec", q.key_pair_spec);
    out.Str("KeyMaterialId", key.current().material_id);
    return core::Status();
  }
};
}  // namespace

KMSLAB_KMS_OPERATION(GenerateDataKeyPair, GenerateDataKeyPairOp<true>);
KMSLAB_KMS_OPERATION(GenerateDataKeyPairWithoutPlaintext, GenerateDataKeyPairOp<false>);

}  // namespace kmslab::kms::ops
