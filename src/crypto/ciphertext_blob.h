// The kmslab ciphertext blob, format version 1 (docs/ciphertext-format.md).
//
//   offset  size  field
//   0       2     magic "KL"
//   2       1     format version (1)
//   3       1     L = length of the key ARN (1..255)
//   4       L     key ARN, ASCII
//   4+L     4     key material version, big-endian
//   8+L     12    AES-GCM IV
//   20+L    n     ciphertext
//   20+L+n  16    AES-GCM tag
//
// The AAD is the header (bytes 0 .. 8+L) followed by the canonical encoding of
// the encryption context (EncodeEncryptionContext). This format is frozen by
// golden tests; a change is a new format version. Pure functions, thread-safe.
#ifndef KMSLAB_CRYPTO_CIPHERTEXT_BLOB_H_
#define KMSLAB_CRYPTO_CIPHERTEXT_BLOB_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "core/secret_bytes.h"
#include "core/status.h"

namespace kmslab::crypto {

using EncryptionContext = std::map<std::string, std::string>;

// Length-prefixed and sorted: u32 count, then for each pair in bytewise key
// order u32 key length, key, u32 value length, value (all big-endian), so no
// two different contexts share an encoding ({"a":"b"} vs {"ab":""}).
std::string EncodeEncryptionContext(const EncryptionContext& context);

// What a blob names, readable without any key.
struct BlobHeader {
  std::string key_arn;
  uint32_t material_version = 0;
};

// Parses the header; kDataLoss when the bytes are not a version-1 blob.
core::StatusOr<BlobHeader> ParseBlobHeader(std::string_view blob);

// Encrypts `plaintext` under `material` (32 bytes) and returns the blob.
core::StatusOr<std::string> SealBlob(const BlobHeader& header, const core::SecretBytes& material,
                                     std::string_view plaintext, const EncryptionContext& context);

// Decrypts a blob whose header names `material`'s key and version. kDataLoss
// for any tampering, truncation or encryption-context mismatch.
core::StatusOr<core::SecretBytes> OpenBlob(std::string_view blob, const core::SecretBytes& material,
                                           const EncryptionContext& context);

}  // namespace kmslab::crypto

#endif  // KMSLAB_CRYPTO_CIPHERTEXT_BLOB_H_
