// GetParametersForImport: a fresh RSA wrapping key pair per call. The public
// key goes to the caller; the private key exists only inside the sealed
// ImportToken (import_token.h), which is valid for 24 hours of the server
// clock. Keys of origin EXTERNAL only.
#include "crypto/asymmetric_key.h"
#include "kms/import_token.h"
#include "kms/ops/common.h"
#include "kms/ops/import_common.h"

namespace kmslab::kms::ops {

namespace {
constexpr int64_t kTokenLifetimeMs = kDayMillis;

struct GetParametersForImportOp {
  static constexpr const char* kName = "GetParametersForImport";
  struct Request {
    std::string key_id;
    Wrapping wrapping;
  };
  static void Read(RequestReader& r, Request& q) {
    q.key_id = r.String("KeyId", kKeyIdRule).value_or("");
    auto algorithm = r.String("WrappingAlgorithm", {.required = true, .enum_values = kWrappingAlgorithmNames});
    auto key_spec = r.String("WrappingKeySpec", {.required = true, .enum_values = kWrappingKeySpecNames});
    q.wrapping.algorithm = ParseWrappingAlgorithm(algorithm.value_or("")).value_or(q.wrapping.algorithm);
    q.wrapping.key_spec = ParseWrappingKeySpec(key_spec.value_or("")).value_or(q.wrapping.key_spec);
  }
  static core::Status Resolve(Service& s, const CallContext& c, Request& q, Plan& plan) {
    RETURN_IF_ERROR(PlanKey(s, c, q.key_id, KeyIdForms::kKeyOnly, "kms:GetParametersForImport",
                            KeyUse::kNotPendingDeletion, plan)
                        .status());
    plan[CheckRole::kKey].context.Set("kms:WrappingAlgorithm", std::string(Name(q.wrapping.algorithm)));
    plan[CheckRole::kKey].context.Set("kms:WrappingKeySpec", std::string(Name(q.wrapping.key_spec)));
    return core::Status();
  }
  static core::Status Execute(Service& s, const CallContext&, const Request& q, const Plan& plan, JsonOut& out) {
    const Key& key = plan.key();
    RETURN_IF_ERROR(CheckOriginExternal(key));
    if (q.wrapping.algorithm == WrappingAlgorithm::kRsaesPkcs1V15) {
      return UnsupportedOperationError("The RSAES_PKCS1_V1_5 wrapping algorithm is no longer supported.");
    }
    // SM2 wrapping is offered in China only, as the SM2 key spec (section 9.2).
    if (q.wrapping.algorithm == WrappingAlgorithm::kSm2Pke) {
      return UnsupportedOperationError("WrappingAlgorithm SM2PKE is not supported in this Region");
    }
    if (q.wrapping.key_spec == WrappingKeySpec::kSm2) {
      return UnsupportedOperationError("WrappingKeySpec SM2 is not supported in this Region");
    }
    ImportParameters params;
    params.wrapping = q.wrapping;
    params.valid_to_ms = s.NowMillis() + kTokenLifetimeMs;
    ASSIGN_OR_RETURN(params.wrapping_key, crypto::GenerateRsaKey(WrappingKeyBits(q.wrapping.key_spec)));
    ASSIGN_OR_RETURN(std::string public_key, crypto::PublicKeyInfo(params.wrapping_key));
    ASSIGN_OR_RETURN(std::string token,
                     SealImportToken(s.keys().DeriveServerKey(kImportTokenPurpose), key.meta.arn, params));
    out.Str("KeyId", key.meta.arn).Blob("ImportToken", token).Blob("PublicKey", public_key);
    out.Date("ParametersValidTo", params.valid_to_ms);
    return core::Status();
  }
};
}  // namespace

KMSLAB_KMS_OPERATION(GetParametersForImport, GetParametersForImportOp);

}  // namespace kmslab::kms::ops
