#include "kms/key_import.h"

#include <algorithm>
#include <array>
#include <utility>

#include "core/strings.h"
#include "crypto/aes_key_wrap.h"
#include "crypto/hmac.h"
#include "crypto/private_key_shape.h"
#include "crypto/rsa_oaep.h"

namespace kmslab::kms {

namespace {
constexpr std::array<std::pair<WrappingAlgorithm, const char*>, 6> kAlgorithms = {{
    {WrappingAlgorithm::kRsaesPkcs1V15, "RSAES_PKCS1_V1_5"},
    {WrappingAlgorithm::kRsaesOaepSha1, "RSAES_OAEP_SHA_1"},
    {WrappingAlgorithm::kRsaesOaepSha256, "RSAES_OAEP_SHA_256"},
    {WrappingAlgorithm::kRsaAesKeyWrapSha1, "RSA_AES_KEY_WRAP_SHA_1"},
    {WrappingAlgorithm::kRsaAesKeyWrapSha256, "RSA_AES_KEY_WRAP_SHA_256"},
    {WrappingAlgorithm::kSm2Pke, "SM2PKE"},
}};

constexpr std::array<std::pair<WrappingKeySpec, const char*>, 4> kSpecs = {{
    {WrappingKeySpec::kRsa2048, "RSA_2048"},
    {WrappingKeySpec::kRsa3072, "RSA_3072"},
    {WrappingKeySpec::kRsa4096, "RSA_4096"},
    {WrappingKeySpec::kSm2, "SM2"},
}};

constexpr std::array<std::pair<ExpirationModel, const char*>, 2> kModels = {{
    {ExpirationModel::kKeyMaterialExpires, "KEY_MATERIAL_EXPIRES"},
    {ExpirationModel::kKeyMaterialDoesNotExpire, "KEY_MATERIAL_DOES_NOT_EXPIRE"},
}};

template <typename E, size_t N>
std::string_view NameIn(const std::array<std::pair<E, const char*>, N>& table, E value) {
  for (const auto& [v, name] : table)
    if (v == value) return name;
  return "";
}

template <typename E, size_t N>
std::optional<E> ParseIn(const std::array<std::pair<E, const char*>, N>& table, std::string_view name) {
  for (const auto& [v, n] : table)
    if (name == n) return v;
  return std::nullopt;
}

template <typename E, size_t N>
std::vector<const char*> NamesOf(const std::array<std::pair<E, const char*>, N>& table) {
  std::vector<const char*> names;
  for (const auto& entry : table) names.push_back(entry.second);
  return names;
}

// The byte lengths AWS accepts for imported HMAC keys.
std::pair<size_t, size_t> HmacKeyRange(KeySpec spec) {
  switch (spec) {
    case KeySpec::kHmac224: return {28, 64};
    case KeySpec::kHmac256: return {32, 64};
    case KeySpec::kHmac384: return {48, 128};
    default: return {64, 128};
  }
}

bool FitsAsymmetricSpec(KeySpec spec, const core::SecretBytes& material) {
  auto shape = crypto::DescribePrivateKey(material);
  if (!shape.ok()) return false;
  using crypto::Curve;
  using crypto::PrivateKeyType;
  auto is_ec = [&](Curve curve) { return shape->type == PrivateKeyType::kEc && shape->curve == curve; };
  switch (spec) {
    case KeySpec::kRsa2048: return shape->type == PrivateKeyType::kRsa && shape->rsa_bits == 2048;
    case KeySpec::kRsa3072: return shape->type == PrivateKeyType::kRsa && shape->rsa_bits == 3072;
    case KeySpec::kRsa4096: return shape->type == PrivateKeyType::kRsa && shape->rsa_bits == 4096;
    case KeySpec::kEccNistP256: return is_ec(Curve::kP256);
    case KeySpec::kEccNistP384: return is_ec(Curve::kP384);
    case KeySpec::kEccNistP521: return is_ec(Curve::kP521);
    case KeySpec::kEccSecgP256k1: return is_ec(Curve::kSecp256k1);
    case KeySpec::kEccNistEdwards25519: return shape->type == PrivateKeyType::kEd25519;
    default: return false;  // ML-DSA and SM2 keys are never created here
  }
}
}  // namespace

const std::vector<const char*> kWrappingAlgorithmNames = NamesOf(kAlgorithms);
const std::vector<const char*> kWrappingKeySpecNames = NamesOf(kSpecs);
const std::vector<const char*> kExpirationModelNames = NamesOf(kModels);

std::string_view Name(WrappingAlgorithm algorithm) { return NameIn(kAlgorithms, algorithm); }
std::string_view Name(WrappingKeySpec spec) { return NameIn(kSpecs, spec); }
std::string_view Name(ExpirationModel model) { return NameIn(kModels, model); }
std::optional<WrappingAlgorithm> ParseWrappingAlgorithm(std::string_view name) { return ParseIn(kAlgorithms, name); }
std::optional<WrappingKeySpec> ParseWrappingKeySpec(std::string_view name) { return ParseIn(kSpecs, name); }
std::optional<ExpirationModel> ParseExpirationModel(std::string_view name) { return ParseIn(kModels, name); }

int WrappingKeyBits(WrappingKeySpec spec) {
  switch (spec) {
    case WrappingKeySpec::kRsa2048: return 2048;
    case WrappingKeySpec::kRsa3072: return 3072;
    case WrappingKeySpec::kRsa4096: return 4096;
    case WrappingKeySpec::kSm2: return 0;
  }
  return 0;
}

core::StatusOr<core::SecretBytes> UnwrapKeyMaterial(const Wrapping& wrapping, const crypto::PrivateKey& wrapping_key,
                                                    std::string_view encrypted) {
  using crypto::OaepHash;
  const WrappingAlgorithm algorithm = wrapping.algorithm;
  switch (algorithm) {
    case WrappingAlgorithm::kRsaesOaepSha1: return crypto::RsaOaepDecrypt(wrapping_key, OaepHash::kSha1, encrypted);
    case WrappingAlgorithm::kRsaesOaepSha256:
      return crypto::RsaOaepDecrypt(wrapping_key, OaepHash::kSha256, encrypted);
    case WrappingAlgorithm::kRsaAesKeyWrapSha1:
    case WrappingAlgorithm::kRsaAesKeyWrapSha256: {
      const OaepHash hash =
          algorithm == WrappingAlgorithm::kRsaAesKeyWrapSha1 ? OaepHash::kSha1 : OaepHash::kSha256;
      // The RSA block is as long as the wrapping key's modulus.
      const size_t block = static_cast<size_t>(WrappingKeyBits(wrapping.key_spec)) / 8;
      if (block == 0 || encrypted.size() <= block) return core::InvalidArgument("too short for RSA_AES_KEY_WRAP");
      ASSIGN_OR_RETURN(core::SecretBytes aes_key,
                       crypto::RsaOaepDecrypt(wrapping_key, hash, encrypted.substr(0, block)));
      return crypto::AesKeyUnwrapPad(aes_key, encrypted.substr(block));
    }
    case WrappingAlgorithm::kRsaesPkcs1V15:
    case WrappingAlgorithm::kSm2Pke: break;
  }
  return core::InvalidArgument("wrapping algorithm not supported");
}

bool FitsKeySpec(KeySpec spec, const core::SecretBytes& material) {
  if (spec == KeySpec::kSymmetricDefault) return material.size() == 32;
  if (IsHmac(spec)) {
    const auto [min, max] = HmacKeyRange(spec);
    return material.size() >= min && material.size() <= max;
  }
  return FitsAsymmetricSpec(spec, material);
}

std::string ImportedMaterialId(std::string_view key_id, const core::SecretBytes& material) {
  std::string joined(key_id);
  joined.append(material.Reveal());
  const core::SecretBytes input(std::move(joined));  // wiped when done
  return core::HexEncode(crypto::View(crypto::Sha256(input.Reveal())));
}

}  // namespace kmslab::kms
