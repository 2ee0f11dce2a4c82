// Imported key material (origin EXTERNAL; docs/spec/key-types.md section 9): the
// wrapping algorithms and wrapping key specs GetParametersForImport names,
// the expiration models, unwrapping EncryptedKeyMaterial, which material a
// key spec takes, and the KeyMaterialId of imported material. The AWS names
// are written in key_import.cc only. Pure; thread-safe.
#ifndef KMSLAB_KMS_KEY_IMPORT_H_
#define KMSLAB_KMS_KEY_IMPORT_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/secret_bytes.h"
#include "core/status.h"
#include "crypto/private_key.h"
#include "kms/key_spec.h"

namespace kmslab::kms {

// KeyMetadata.Origin of keys whose material is imported.
inline constexpr char kOriginExternal[] = "EXTERNAL";

enum class WrappingAlgorithm {
  kRsaesPkcs1V15,  // refused since 2023-10-10
  kRsaesOaepSha1,
  kRsaesOaepSha256,
  kRsaAesKeyWrapSha1,
  kRsaAesKeyWrapSha256,
  kSm2Pke,  // China only
};

enum class WrappingKeySpec { kRsa2048, kRsa3072, kRsa4096, kSm2 };

enum class ExpirationModel { kKeyMaterialExpires, kKeyMaterialDoesNotExpire };

// AWS's enum value sets, in the order its validation messages list them.
extern const std::vector<const char*> kWrappingAlgorithmNames;
extern const std::vector<const char*> kWrappingKeySpecNames;
extern const std::vector<const char*> kExpirationModelNames;

std::string_view Name(WrappingAlgorithm algorithm);
std::string_view Name(WrappingKeySpec spec);
std::string_view Name(ExpirationModel model);
std::optional<WrappingAlgorithm> ParseWrappingAlgorithm(std::string_view name);
std::optional<WrappingKeySpec> ParseWrappingKeySpec(std::string_view name);
std::optional<ExpirationModel> ParseExpirationModel(std::string_view name);

// What GetParametersForImport was asked for: how the material comes wrapped.
struct Wrapping {
  WrappingAlgorithm algorithm = WrappingAlgorithm::kRsaesOaepSha256;
  WrappingKeySpec key_spec = WrappingKeySpec::kRsa2048;
};

// The RSA modulus size of a wrapping key spec; 0 for SM2.
int WrappingKeyBits(WrappingKeySpec spec);

// EncryptedKeyMaterial unwrapped with the wrapping private key (of
// `wrapping.key_spec`) as `wrapping.algorithm` says:
// RSAES_OAEP_SHA_* is OAEP of the material itself; RSA_AES_KEY_WRAP_SHA_* is
// OAEP of a fresh AES-256 key followed by that key's RFC 5649 wrapping of the
// material. InvalidArgument when it does not unwrap (callers answer
// InvalidCiphertextException); only the four OAEP algorithms are accepted.
core::StatusOr<core::SecretBytes> UnwrapKeyMaterial(const Wrapping& wrapping, const crypto::PrivateKey& wrapping_key,
                                                    std::string_view encrypted);

// Whether `material` is key material for `spec`: 32 bytes for
// SYMMETRIC_DEFAULT, AWS's byte ranges for HMAC specs, a DER PKCS#8 private
// key of the spec's algorithm and size (or curve) for RSA and ECC specs.
bool FitsKeySpec(KeySpec spec, const core::SecretBytes& material);

// The KeyMaterialId of imported material: hex(SHA-256(key id || material)),
// so the same material imported into the same key has the same id.
std::string ImportedMaterialId(std::string_view key_id, const core::SecretBytes& material);

}  // namespace kmslab::kms

#endif  // KMSLAB_KMS_KEY_IMPORT_H_
