// GenerateRandom: 1-1024 random bytes (IAM-only authorization).
#include "core/random.h"
#include "kms/errors.h"
#include "kms/ops/common.h"

namespace kmslab::kms::ops {

namespace {
struct GenerateRandomOp {
  static constexpr const char* kName = "GenerateRandom";
  struct Request {
    std::optional<int64_t> number_of_bytes;
  };
  static void Read(RequestReader& r, Request& q) {
    q.number_of_bytes = r.Int("NumberOfBytes", {.min = 1, .max = 1024});
    r.String("CustomKeyStoreId", {.min = 1, .max = 64});
    r.Accept("Recipient");
  }
  static core::Status Validate(const Request& q) {
    return q.number_of_bytes ? core::Status() : ValidationError("NumberOfBytes is required.");
  }
  static core::Status Resolve(Service&, const CallContext&, Request&, Plan& plan) {
    PlanIamOnly("kms:GenerateRandom", "*", plan);
    return core::Status();
  }
  static core::Status Execute(Service&, const CallContext&, const Request& q, const Plan&, JsonOut& out) {
    core::SecretBytes bytes(core::RandomBytes(static_cast<size_t>(*q.number_of_bytes)));
    out.Blob("Plaintext", bytes.Reveal());
    return core::Status();
  }
};
}  // namespace

KMSLAB_KMS_OPERATION(GenerateRandom, GenerateRandomOp);

}  // namespace kmslab::kms::ops
