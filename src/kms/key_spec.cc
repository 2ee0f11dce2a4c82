#include "kms/key_spec.h"

#include <algorithm>
#include <array>
#include <utility>

namespace kmslab::kms {

namespace {
using crypto::Hash;
using crypto::SignatureScheme;

constexpr std::array<std::pair<KeySpec, const char*>, 17> kSpecNames = {{
    {KeySpec::kRsa2048, "RSA_2048"},
    {KeySpec::kRsa3072, "RSA_3072"},
    {KeySpec::kRsa4096, "RSA_4096"},
    {KeySpec::kEccNistP256, "ECC_NIST_P256"},
    {KeySpec::kEccNistP384, "ECC_NIST_P384"},
    {KeySpec::kEccNistP521, "ECC_NIST_P521"},
    {KeySpec::kEccSecgP256k1, "ECC_SECG_P256K1"},
    {KeySpec::kEccNistEdwards25519, "ECC_NIST_EDWARDS25519"},
    {KeySpec::kMlDsa44, "ML_DSA_44"},
    {KeySpec::kMlDsa65, "ML_DSA_65"},
    {KeySpec::kMlDsa87, "ML_DSA_87"},
    {KeySpec::kSm2, "SM2"},
    {KeySpec::kHmac224, "HMAC_224"},
    {KeySpec::kHmac256, "HMAC_256"},
    {KeySpec::kHmac384, "HMAC_384"},
    {KeySpec::kHmac512, "HMAC_512"},
    {KeySpec::kSymmetricDefault, "SYMMETRIC_DEFAULT"},
}};

constexpr std::array<std::pair<KeyUsage, const char*>, 4> kUsageNames = {{
    {KeyUsage::kEncryptDecrypt, "ENCRYPT_DECRYPT"},
    {KeyUsage::kSignVerify, "SIGN_VERIFY"},
    {KeyUsage::kGenerateVerifyMac, "GENERATE_VERIFY_MAC"},
    {KeyUsage::kKeyAgreement, "KEY_AGREEMENT"},
}};

// In AWS's order (the SigningAlgorithmSpec enum). SM2DSA and ML_DSA_SHAKE_256
// are listed for validation only: their keys cannot be created, so their
// params are never used.
const SigningAlgorithm kSigningAlgorithms[] = {
    {"RSASSA_PSS_SHA_256", {SignatureScheme::kRsaPss, Hash::kSha256}, true, true},
    {"RSASSA_PSS_SHA_384", {SignatureScheme::kRsaPss, Hash::kSha384}, true, true},
    {"RSASSA_PSS_SHA_512", {SignatureScheme::kRsaPss, Hash::kSha512}, true, true},
    {"RSASSA_PKCS1_V1_5_SHA_256", {SignatureScheme::kRsaPkcs1V15, Hash::kSha256}, true, true},
    {"RSASSA_PKCS1_V1_5_SHA_384", {SignatureScheme::kRsaPkcs1V15, Hash::kSha384}, true, true},
    {"RSASSA_PKCS1_V1_5_SHA_512", {SignatureScheme::kRsaPkcs1V15, Hash::kSha512}, true, true},
    {"ECDSA_SHA_256", {SignatureScheme::kEcdsa, Hash::kSha256}, true, true},
    {"ECDSA_SHA_384", {SignatureScheme::kEcdsa, Hash::kSha384}, true, true},
    {"ECDSA_SHA_512", {SignatureScheme::kEcdsa, Hash::kSha512}, true, true},
    {"SM2DSA", {SignatureScheme::kEcdsa, Hash::kSha256}, true, true, false},
    {"ML_DSA_SHAKE_256", {SignatureScheme::kEd25519, Hash::kSha512}, false, true, false},
    {"ED25519_SHA_512", {SignatureScheme::kEd25519, Hash::kSha512}, false, true},
    {"ED25519_PH_SHA_512", {SignatureScheme::kEd25519, Hash::kSha512}, true, false, false},
};

constexpr std::array<std::pair<const char*, Hash>, 4> kMacAlgorithms = {{
    {"HMAC_SHA_224", Hash::kSha224},
    {"HMAC_SHA_256", Hash::kSha256},
    {"HMAC_SHA_384", Hash::kSha384},
    {"HMAC_SHA_512", Hash::kSha512},
}};

template <typename E, size_t N>
std::optional<E> Find(const std::array<std::pair<E, const char*>, N>& table, std::string_view name) {
  for (const auto& [value, n] : table)
    if (name == n) return value;
  return std::nullopt;
}

template <typename E, size_t N>
const char* NameIn(const std::array<std::pair<E, const char*>, N>& table, E value) {
  for (const auto& [v, n] : table)
    if (v == value) return n;
  return "";
}

template <typename E>
std::vector<const char*> NamesOf(std::initializer_list<E> values) {
  std::vector<const char*> out;
  for (E v : values) out.push_back(Name(v).data());
  return out;
}
}  // namespace

// The 2023 sets AWS printed, newer members appended (docs/spec/key-types.md 1.2).
const std::vector<const char*> kKeySpecNames = NamesOf<KeySpec>(
    {KeySpec::kRsa2048, KeySpec::kEccNistP384, KeySpec::kEccNistP256, KeySpec::kEccNistP521, KeySpec::kHmac384,
     KeySpec::kRsa3072, KeySpec::kEccSecgP256k1, KeySpec::kRsa4096, KeySpec::kSymmetricDefault, KeySpec::kHmac256,
     KeySpec::kHmac224, KeySpec::kHmac512, KeySpec::kSm2, KeySpec::kMlDsa44, KeySpec::kMlDsa65, KeySpec::kMlDsa87,
     KeySpec::kEccNistEdwards25519});
const std::vector<const char*> kKeyUsageNames = NamesOf<KeyUsage>(
    {KeyUsage::kEncryptDecrypt, KeyUsage::kSignVerify, KeyUsage::kGenerateVerifyMac, KeyUsage::kKeyAgreement});
const std::vector<const char*> kSigningAlgorithmNames = [] {
  std::vector<const char*> out;
  for (const SigningAlgorithm& a : kSigningAlgorithms) out.push_back(a.name);
  return out;
}();
// As AWS lists them (docs/spec/key-types.md section 7).
const std::vector<const char*> kMacAlgorithmNames = {kMacAlgorithms[2].first, kMacAlgorithms[1].first,
                                                     kMacAlgorithms[0].first, kMacAlgorithms[3].first};

const std::vector<const char*> kDataKeyPairSpecNames = NamesOf<KeySpec>(
    {KeySpec::kRsa2048, KeySpec::kRsa3072, KeySpec::kRsa4096, KeySpec::kEccNistP256, KeySpec::kEccNistP384,
     KeySpec::kEccNistP521, KeySpec::kEccSecgP256k1, KeySpec::kSm2, KeySpec::kEccNistEdwards25519});

std::string_view Name(KeySpec spec) { return NameIn(kSpecNames, spec); }
std::string_view Name(KeyUsage usage) { return NameIn(kUsageNames, usage); }
std::optional<KeySpec> ParseKeySpec(std::string_view name) { return Find(kSpecNames, name); }
std::optional<KeyUsage> ParseKeyUsage(std::string_view name) { return Find(kUsageNames, name); }

bool IsHmac(KeySpec spec) {
  return spec == KeySpec::kHmac224 || spec == KeySpec::kHmac256 || spec == KeySpec::kHmac384 ||
         spec == KeySpec::kHmac512;
}

namespace {
bool IsRsa(KeySpec spec) {
  return spec == KeySpec::kRsa2048 || spec == KeySpec::kRsa3072 || spec == KeySpec::kRsa4096;
}
bool IsNistCurve(KeySpec spec) {
  return spec == KeySpec::kEccNistP256 || spec == KeySpec::kEccNistP384 || spec == KeySpec::kEccNistP521;
}
}  // namespace

bool AllowsUsage(KeySpec spec, KeyUsage usage) {
  switch (usage) {
    case KeyUsage::kEncryptDecrypt:
      return spec == KeySpec::kSymmetricDefault || IsRsa(spec) || spec == KeySpec::kSm2;
    case KeyUsage::kSignVerify:
      return !IsHmac(spec) && spec != KeySpec::kSymmetricDefault;
    case KeyUsage::kGenerateVerifyMac:
      return IsHmac(spec);
    case KeyUsage::kKeyAgreement:
      return IsNistCurve(spec) || spec == KeySpec::kSm2;
  }
  return false;
}

bool AlgorithmList::Contains(std::string_view name) const {
  return std::any_of(names.begin(), names.end(), [name](const char* n) { return name == n; });
}

AlgorithmList AlgorithmsOf(KeySpec spec, KeyUsage usage) {
  switch (usage) {
    case KeyUsage::kEncryptDecrypt:
      if (spec == KeySpec::kSymmetricDefault) return {"EncryptionAlgorithms", {"SYMMETRIC_DEFAULT"}};
      if (spec == KeySpec::kSm2) return {"EncryptionAlgorithms", {"SM2PKE"}};
      return {"EncryptionAlgorithms", {"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"}};
    case KeyUsage::kGenerateVerifyMac:
      switch (spec) {
        case KeySpec::kHmac224: return {"MacAlgorithms", {kMacAlgorithms[0].first}};
        case KeySpec::kHmac256: return {"MacAlgorithms", {kMacAlgorithms[1].first}};
        case KeySpec::kHmac384: return {"MacAlgorithms", {kMacAlgorithms[2].first}};
        default: return {"MacAlgorithms", {kMacAlgorithms[3].first}};
      }
    case KeyUsage::kKeyAgreement:
      return {"KeyAgreementAlgorithms", {"ECDH"}};
    case KeyUsage::kSignVerify:
      break;
  }
  switch (spec) {
    case KeySpec::kRsa2048:
    case KeySpec::kRsa3072:
    case KeySpec::kRsa4096:
      return {"SigningAlgorithms",
              {"RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512",
               "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512"}};
    case KeySpec::kEccNistP384: return {"SigningAlgorithms", {"ECDSA_SHA_384"}};
    case KeySpec::kEccNistP521: return {"SigningAlgorithms", {"ECDSA_SHA_512"}};
    case KeySpec::kEccNistEdwards25519: return {"SigningAlgorithms", {"ED25519_SHA_512", "ED25519_PH_SHA_512"}};
    case KeySpec::kMlDsa44:
    case KeySpec::kMlDsa65:
    case KeySpec::kMlDsa87: return {"SigningAlgorithms", {"ML_DSA_SHAKE_256"}};
    case KeySpec::kSm2: return {"SigningAlgorithms", {"SM2DSA"}};
    default: return {"SigningAlgorithms", {"ECDSA_SHA_256"}};  // P-256, secp256k1
  }
}

const SigningAlgorithm* FindSigningAlgorithm(std::string_view name) {
  for (const SigningAlgorithm& a : kSigningAlgorithms)
    if (name == a.name) return &a;
  return nullptr;
}

std::optional<crypto::Hash> MacHash(std::string_view name) {
  for (const auto& [n, hash] : kMacAlgorithms)
    if (name == n) return hash;
  return std::nullopt;
}

}  // namespace kmslab::kms
