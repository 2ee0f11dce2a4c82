// Import tokens: the opaque ImportToken GetParametersForImport returns and
// ImportKeyMaterial takes back. A token carries the wrapping key's private
// half (DER PKCS#8), the Wrapping it was made for and when it expires, sealed
// with AES-256-GCM under a key the server derives from its root key and bound
// to the KMS key's ARN (so to its account and Region): nobody can read the
// private key out of it, and it opens only for the key it was made for.
// The server keeps no copy of the wrapping key. Pure; thread-safe.
#ifndef KMSLAB_KMS_IMPORT_TOKEN_H_
#define KMSLAB_KMS_IMPORT_TOKEN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/secret_bytes.h"
#include "core/status.h"
#include "kms/key_import.h"

namespace kmslab::kms {

struct ImportParameters {
  Wrapping wrapping;
  int64_t valid_to_ms = 0;         // ParametersValidTo, on the server clock
  core::SecretBytes wrapping_key;  // DER PKCS#8 RSA private key
};

// The token for `params` and the key `key_arn`, sealed under `token_key`
// (32 bytes). Each call gives a different token.
core::StatusOr<std::string> SealImportToken(const core::SecretBytes& token_key, std::string_view key_arn,
                                            const ImportParameters& params);

// The parameters in `token`; nullopt when it is not a token sealed under
// `token_key` for `key_arn` (another key's, another server's, damaged).
std::optional<ImportParameters> OpenImportToken(const core::SecretBytes& token_key, std::string_view key_arn,
                                                std::string_view token);

}  // namespace kmslab::kms

#endif  // KMSLAB_KMS_IMPORT_TOKEN_H_
