// GetPublicKey: the DER SubjectPublicKeyInfo of an asymmetric key, with its
// spec, usage and algorithm list (docs/spec/key-types.md section 3).
#include "crypto/asymmetric_key.h"
#include "kms/errors.h"
#include "kms/key_json.h"
#include "kms/ops/common.h"

namespace kmslab::kms::ops {

namespace {
struct GetPublicKeyOp {
  static constexpr const char* kName = "GetPublicKey";
  using Request = KeyIdRequest;
  static void Read(RequestReader& r, Request& q) { Request::Read(r, q); }
  static core::Status Resolve(Service& s, const CallContext& c, Request& q, Plan& plan) {
    return PlanCryptoKey(s, c, q.key_id, "kms:GetPublicKey", q.grant_tokens, false, plan);
  }
  static core::Status Execute(Service&, const CallContext&, const Request&, const Plan& plan, JsonOut& out) {
    const Key& key = plan.key();
    const std::string spec(Name(key.spec));
    // Symmetric and HMAC keys have no public key (section 15.8 default).
    if (key.spec == KeySpec::kSymmetricDefault || IsHmac(key.spec)) {
      return UnsupportedOperationError(key.meta.arn + " key spec is " + spec + " which is not valid for GetPublicKey.");
    }
    ASSIGN_OR_RETURN(const crypto::PrivateKey* private_key, key.current_private_key());
    out.Str("KeyId", key.meta.arn).Blob("PublicKey", private_key->public_key_info());
    out.Str("CustomerMasterKeySpec", spec).Str("KeySpec", spec).Str("KeyUsage", Name(key.usage));
    const AlgorithmList algorithms = AlgorithmsOf(key.spec, key.usage);
    WriteAlgorithmNames(out.Member(algorithms.member), algorithms);
    return core::Status();
  }
};
}  // namespace

KMSLAB_KMS_OPERATION(GetPublicKey, GetPublicKeyOp);

}  // namespace kmslab::kms::ops
