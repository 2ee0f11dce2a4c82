// Sign and Verify with an asymmetric SIGN_VERIFY key (docs/spec/key-types.md
// section 2): RAW messages are hashed here, DIGEST messages are the hash.
// Verify never answers false: a mismatch is KMSInvalidSignatureException.
#include "crypto/asymmetric_key.h"
#include "kms/errors.h"
#include "kms/ops/common.h"

namespace kmslab::kms::ops {

namespace {
// What the key signs for `message`: the checked algorithm and the input
// crypto::Sign takes (the digest, or for pure Ed25519 the message).
struct SignatureInput {
  const SigningAlgorithm* algorithm = nullptr;
  std::string bytes;
};

// Checks, in AWS's order, the key's usage, the algorithm against its spec,
// the message type and the digest length (section 11.3).
core::StatusOr<SignatureInput> PrepareInput(const Key& key, const char* operation, const std::string& algorithm_name,
                                            const std::string& message_type, const std::string& message) {
  RETURN_IF_ERROR(CheckKeyUsage(key, KeyUsage::kSignVerify, operation));
  if (!AlgorithmsOf(key.spec, key.usage).Contains(algorithm_name)) {
    return IncompatibleAlgorithmError(algorithm_name, Name(key.spec));
  }
  const SigningAlgorithm& algorithm = *FindSigningAlgorithm(algorithm_name);
  const bool digest = message_type == "DIGEST";
  if (message_type == "EXTERNAL_MU") {
    return ValidationError("Message type EXTERNAL_MU is incompatible with key spec " + std::string(Name(key.spec)) +
                           ".");
  }
  if (digest ? !algorithm.digest_allowed : !algorithm.raw_allowed) {
    return ValidationError("Message type " + message_type + " is incompatible with algorithm " + algorithm_name + ".");
  }
  const crypto::Hash hash = algorithm.params.hash;
  if (digest && message.size() != crypto::HashLength(hash)) {
    return ValidationError("Digest is invalid length for algorithm " + algorithm_name + ".");
  }
  // Ed25519ph needs an OpenSSL newer than 3.0 (docs/key-types.md).
  if (!algorithm.computable) return UnsupportedOperationError("");
  if (digest || algorithm.params.scheme == crypto::SignatureScheme::kEd25519) return SignatureInput{&algorithm, message};
  return SignatureInput{&algorithm, crypto::HashOf(hash, message)};
}

template <bool kVerify>
struct SignatureOp {
  static constexpr const char* kName = kVerify ? "Verify" : "Sign";
  struct Request {
    std::vector<std::string> grant_tokens;
    std::string key_id, message, message_type, algorithm, signature;
    bool dry_run = false;
  };
  static void Read(RequestReader& r, Request& q) {
    q.key_id = r.String("KeyId", kKeyIdRule).value_or("");
    q.message = r.Blob("Message", {.required = true, .min = 1, .max = 4096}).value_or("");
    q.message_type = r.String("MessageType", {.enum_values = {"RAW", "DIGEST", "EXTERNAL_MU"}}).value_or("RAW");
    if (kVerify) q.signature = r.Blob("Signature", {.required = true, .min = 1, .max = 6144}).value_or("");
    q.algorithm = r.String("SigningAlgorithm", {.required = true, .enum_values = kSigningAlgorithmNames}).value_or("");
    q.grant_tokens = r.StringList("GrantTokens", kGrantTokensRule).value_or(std::vector<std::string>{});
    q.dry_run = r.Bool("DryRun").value_or(false);
  }
  static core::Status Resolve(Service& s, const CallContext& c, Request& q, Plan& plan) {
    RETURN_IF_ERROR(PlanCryptoKey(s, c, q.key_id, kVerify ? "kms:Verify" : "kms:Sign", q.grant_tokens, q.dry_run, plan));
    plan[CheckRole::kKey].context.Set("kms:SigningAlgorithm", q.algorithm);
    plan[CheckRole::kKey].context.Set("kms:MessageType", q.message_type);
    return core::Status();
  }
  static core::Status Execute(Service&, const CallContext&, const Request& q, const Plan& plan, JsonOut& out) {
    const Key& key = plan.key();
    ASSIGN_OR_RETURN(SignatureInput input, PrepareInput(key, kName, q.algorithm, q.message_type, q.message));
    ASSIGN_OR_RETURN(const crypto::PrivateKey* private_key, key.current_private_key());
    out.Str("KeyId", key.meta.arn);
    if constexpr (kVerify) {
      ASSIGN_OR_RETURN(bool valid, crypto::Verify(*private_key, input.algorithm->params, input.bytes, q.signature));
      if (!valid) return InvalidSignatureError();
      out.Bool("SignatureValid", true);
    } else {
      ASSIGN_OR_RETURN(std::string signature, crypto::Sign(*private_key, input.algorithm->params, input.bytes));
      out.Blob("Signature", signature);
    }
    out.Str("SigningAlgorithm", q.algorithm);
    return core::Status();
  }
};
}  // namespace

KMSLAB_KMS_OPERATION(Sign, SignatureOp<false>);
KMSLAB_KMS_OPERATION(Verify, SignatureOp<true>);

}  // namespace kmslab::kms::ops
