// GenerateMac and VerifyMac with an HMAC key (docs/spec/key-types.md section 7):
// RFC 2104 tags. VerifyMac never answers false: a mismatch is
// KMSInvalidMacException.
#include "crypto/hmac.h"
#include "kms/errors.h"
#include "kms/ops/common.h"

namespace kmslab::kms::ops {

namespace {
template <bool kVerify>
struct MacOp {
  static constexpr const char* kName = kVerify ? "VerifyMac" : "GenerateMac";
  struct Request {
    std::vector<std::string> grant_tokens;
    std::string key_id, message, algorithm, mac;
    bool dry_run = false;
  };
  static void Read(RequestReader& r, Request& q) {
    q.message = r.Blob("Message", {.required = true, .min = 1, .max = 4096}).value_or("");
    q.key_id = r.String("KeyId", kKeyIdRule).value_or("");
    q.algorithm = r.String("MacAlgorithm", {.required = true, .enum_values = kMacAlgorithmNames}).value_or("");
    if (kVerify) q.mac = r.Blob("Mac", {.required = true, .min = 1, .max = 6144}).value_or("");
    q.grant_tokens = r.StringList("GrantTokens", kGrantTokensRule).value_or(std::vector<std::string>{});
    q.dry_run = r.Bool("DryRun").value_or(false);
  }
  static core::Status Resolve(Service& s, const CallContext& c, Request& q, Plan& plan) {
    RETURN_IF_ERROR(
        PlanCryptoKey(s, c, q.key_id, kVerify ? "kms:VerifyMac" : "kms:GenerateMac", q.grant_tokens, q.dry_run, plan));
    plan[CheckRole::kKey].context.Set("kms:MacAlgorithm", q.algorithm);
    return core::Status();
  }
  static core::Status Execute(Service&, const CallContext&, const Request& q, const Plan& plan, JsonOut& out) {
    const Key& key = plan.key();
    RETURN_IF_ERROR(CheckKeyUsage(key, KeyUsage::kGenerateVerifyMac, kName));
    if (!AlgorithmsOf(key.spec, key.usage).Contains(q.algorithm)) {
      return IncompatibleAlgorithmError(q.algorithm, Name(key.spec));
    }
    const std::string tag = crypto::Hmac(*MacHash(q.algorithm), key.current().bytes, q.message);
    out.Str("KeyId", key.meta.arn);
    if constexpr (kVerify) {
      if (!crypto::ConstantTimeEquals(tag, q.mac)) return InvalidMacError();
      out.Str("MacAlgorithm", q.algorithm).Bool("MacValid", true);
    } else {
      out.Blob("Mac", tag).Str("MacAlgorithm", q.algorithm);
    }
    return core::Status();
  }
};
}  // namespace

KMSLAB_KMS_OPERATION(GenerateMac, MacOp<false>);
KMSLAB_KMS_OPERATION(VerifyMac, MacOp<true>);

}  // namespace kmslab::kms::ops
