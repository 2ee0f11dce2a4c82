// Imported key material (kms/key_import.cc, kms/import_token.cc): opening an
// ImportToken, unwrapping EncryptedKeyMaterial with every wrapping algorithm,
// and checking unwrapped material against every key spec (PKCS#8 DER for RSA
// and ECC specs), all on arbitrary bytes. A token sealed here opens again,
// for its key only.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "crypto/asymmetric_key.h"
#include "crypto/private_key.h"
#include "kms/import_token.h"
#include "kms/key_import.h"
#include "kms/key_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kmslab;
  static const core::SecretBytes token_key{std::string(32, '\x2a')};
  static const core::SecretBytes wrapping_key = crypto::GenerateRsaKey(2048).value();
  static const std::shared_ptr<const crypto::PrivateKey> parsed_wrapping_key =
      crypto::PrivateKey::Parse(wrapping_key).value();
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string arn = "arn:aws:kms:us-east-1:111122223333:key/fuzz";

  (void)kms::OpenImportToken(token_key, arn, input);
  for (kms::WrappingAlgorithm algorithm :
       {kms::WrappingAlgorithm::kRsaesOaepSha1, kms::WrappingAlgorithm::kRsaesOaepSha256,
        kms::WrappingAlgorithm::kRsaAesKeyWrapSha1, kms::WrappingAlgorithm::kRsaAesKeyWrapSha256}) {
    (void)kms::UnwrapKeyMaterial({algorithm, kms::WrappingKeySpec::kRsa2048}, *parsed_wrapping_key, input);
  }
  const core::SecretBytes material{std::string(input)};
  // Symmetric and HMAC specs are size checks; every asymmetric spec decodes
  // the same DER the same way, so one of them stands for all (decoding is
  // most of an input's time).
  for (const char* name : kms::kKeySpecNames) {
    auto spec = kms::ParseKeySpec(name);
    if (spec && (*spec == kms::KeySpec::kSymmetricDefault || kms::IsHmac(*spec))) (void)kms::FitsKeySpec(*spec, material);
  }
  (void)kms::FitsKeySpec(kms::KeySpec::kRsa2048, material);

  kms::ImportParameters params;
  params.valid_to_ms = static_cast<int64_t>(size);
  params.wrapping_key = core::SecretBytes{std::string(wrapping_key.Reveal())};
  auto token = kms::SealImportToken(token_key, arn, params);
  if (!token.ok()) return 0;
  auto opened = kms::OpenImportToken(token_key, arn, *token);
  if (!opened || opened->valid_to_ms != params.valid_to_ms || opened->wrapping_key.Reveal() != wrapping_key.Reveal()) {
    __builtin_trap();
  }
  if (kms::OpenImportToken(token_key, arn + "x", *token)) __builtin_trap();  // bound to its key
  return 0;
}
