#include "kms/key_material.h"

#include "core/random.h"
#include "crypto/aes_gcm.h"

namespace kmslab::kms {

bool CanGenerate(KeySpec spec) {
  return spec != KeySpec::kMlDsa44 && spec != KeySpec::kMlDsa65 && spec != KeySpec::kMlDsa87 &&
         spec != KeySpec::kSm2;
}

core::StatusOr<core::SecretBytes> GenerateKeyMaterial(KeySpec spec) {
  auto random = [](size_t n) { return core::SecretBytes(core::RandomBytes(n)); };
  switch (spec) {
    case KeySpec::kSymmetricDefault: return random(crypto::kAesKeyBytes);
    case KeySpec::kHmac224: return random(28);
    case KeySpec::kHmac256: return random(32);
    case KeySpec::kHmac384: return random(48);
    case KeySpec::kHmac512: return random(64);
    case KeySpec::kRsa2048: return crypto::GenerateRsaKey(2048);
    case KeySpec::kRsa3072: return crypto::GenerateRsaKey(3072);
    case KeySpec::kRsa4096: return crypto::GenerateRsaKey(4096);
    case KeySpec::kEccNistP256: return crypto::GenerateEcKey(crypto::Curve::kP256);
    case KeySpec::kEccNistP384: return crypto::GenerateEcKey(crypto::Curve::kP384);
    case KeySpec::kEccNistP521: return crypto::GenerateEcKey(crypto::Curve::kP521);
    case KeySpec::kEccSecgP256k1: return crypto::GenerateEcKey(crypto::Curve::kSecp256k1);
    case KeySpec::kEccNistEdwards25519: return crypto::GenerateEd25519Key();
    case KeySpec::kMlDsa44:
    case KeySpec::kMlDsa65:
    case KeySpec::kMlDsa87:
    case KeySpec::kSm2: break;
  }
  return core::FailedPrecondition("no key material generator for " + std::string(Name(spec)));
}

core::StatusOr<std::shared_ptr<const crypto::PrivateKey>> ParsePrivateKey(KeySpec spec,
                                                                          const core::SecretBytes& bytes) {
  if (spec == KeySpec::kSymmetricDefault || IsHmac(spec) || bytes.empty()) {
    return std::shared_ptr<const crypto::PrivateKey>();
  }
  return crypto::PrivateKey::Parse(bytes);
}

}  // namespace kmslab::kms
