// KMS key specs and key usages as types, and what AWS ties to them
// (docs/spec/key-types.md section 1.1): which usages a spec allows, the one
// algorithm list KeyMetadata shows, and the signing and MAC algorithms.
// The AWS names are written in key_spec.cc only.
#ifndef KMSLAB_KMS_KEY_SPEC_H_
#define KMSLAB_KMS_KEY_SPEC_H_

#include <optional>
#include <string_view>
#include <vector>

#include "crypto/asymmetric_key.h"

namespace kmslab::kms {

enum class KeySpec {
  kRsa2048, kRsa3072, kRsa4096,
  kEccNistP256, kEccNistP384, kEccNistP521, kEccSecgP256k1, kEccNistEdwards25519,
  kMlDsa44, kMlDsa65, kMlDsa87, kSm2,
  kHmac224, kHmac256, kHmac384, kHmac512,
  kSymmetricDefault,
};

enum class KeyUsage { kEncryptDecrypt, kSignVerify, kGenerateVerifyMac, kKeyAgreement };

// AWS's enum value sets in the order its validation messages list them.
extern const std::vector<const char*> kKeySpecNames;
extern const std::vector<const char*> kKeyUsageNames;
extern const std::vector<const char*> kSigningAlgorithmNames;
extern const std::vector<const char*> kMacAlgorithmNames;
// GenerateDataKeyPair's KeyPairSpec values: key specs by the same names.
extern const std::vector<const char*> kDataKeyPairSpecNames;

std::string_view Name(KeySpec spec);
std::string_view Name(KeyUsage usage);
std::optional<KeySpec> ParseKeySpec(std::string_view name);
std::optional<KeyUsage> ParseKeyUsage(std::string_view name);

bool IsHmac(KeySpec spec);
// Whether AWS lets CreateKey pair `spec` with `usage`.
bool AllowsUsage(KeySpec spec, KeyUsage usage);

// The algorithm list KeyMetadata and GetPublicKey show for a key: the member
// ("SigningAlgorithms", ...) and its values in AWS's order.
struct AlgorithmList {
  const char* member;
  std::vector<const char*> names;
  bool Contains(std::string_view name) const;
};
AlgorithmList AlgorithmsOf(KeySpec spec, KeyUsage usage);

// How a signing algorithm signs; null for an unknown name.
struct SigningAlgorithm {
  const char* name;
  crypto::SignatureParams params;
  bool digest_allowed;  // MessageType DIGEST
  bool raw_allowed;     // MessageType RAW
  // False for ED25519_PH_SHA_512: OpenSSL 3.0 has no Ed25519ph.
  bool computable = true;
};
const SigningAlgorithm* FindSigningAlgorithm(std::string_view name);

// The MAC algorithm's hash; nullopt for an unknown name.
std::optional<crypto::Hash> MacHash(std::string_view name);

}  // namespace kmslab::kms

#endif  // KMSLAB_KMS_KEY_SPEC_H_
