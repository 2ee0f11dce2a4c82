#include "kms/import_token.h"

#include "crypto/aes_gcm.h"

namespace kmslab::kms {

namespace {
// Sealed layout: version (1 byte) | algorithm (1) | key spec (1) |
// valid_to_ms (8, big-endian) | PKCS#8 private key.
constexpr char kVersion = 1;
constexpr size_t kHeaderBytes = 11;

std::string Aad(std::string_view key_arn) { return "kmslab/import-token/v1:" + std::string(key_arn); }
}  // namespace

core::StatusOr<std::string> SealImportToken(const core::SecretBytes& token_key, std::string_view key_arn,
                                            const ImportParameters& params) {
  std::string plain;
  plain.reserve(kHeaderBytes + params.wrapping_key.size());
  plain.push_back(kVersion);
  plain.push_back(static_cast<char>(params.wrapping.algorithm));
  plain.push_back(static_cast<char>(params.wrapping.key_spec));
  for (int shift = 56; shift >= 0; shift -= 8) {
    plain.push_back(static_cast<char>((static_cast<uint64_t>(params.valid_to_ms) >> shift) & 0xff));
  }
  plain.append(params.wrapping_key.Reveal());
  const core::SecretBytes sealed_input(std::move(plain));  // wiped when done
  return crypto::AesGcmSeal(token_key, sealed_input.Reveal(), Aad(key_arn));
}

std::optional<ImportParameters> OpenImportToken(const core::SecretBytes& token_key, std::string_view key_arn,
                                                std::string_view token) {
  auto opened = crypto::AesGcmOpen(token_key, token, Aad(key_arn));
  if (!opened.ok()) return std::nullopt;
  const std::string_view plain = opened->Reveal();
  const auto algorithm = static_cast<unsigned char>(plain.size() > 1 ? plain[1] : 0xff);
  const auto key_spec = static_cast<unsigned char>(plain.size() > 2 ? plain[2] : 0xff);
  if (plain.size() <= kHeaderBytes || plain[0] != kVersion ||
      algorithm > static_cast<unsigned char>(WrappingAlgorithm::kSm2Pke) ||
      key_spec > static_cast<unsigned char>(WrappingKeySpec::kSm2)) {
    return std::nullopt;
  }
  ImportParameters params;
  params.wrapping = {static_cast<WrappingAlgorithm>(algorithm), static_cast<WrappingKeySpec>(key_spec)};
  uint64_t valid_to = 0;
  for (size_t i = 3; i < kHeaderBytes; ++i) valid_to = (valid_to << 8) | static_cast<unsigned char>(plain[i]);
  params.valid_to_ms = static_cast<int64_t>(valid_to);
  params.wrapping_key = core::SecretBytes(std::string(plain.substr(kHeaderBytes)));
  return params;
}

}  // namespace kmslab::kms
