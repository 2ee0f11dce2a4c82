// Encryption under a KMS key of either kind (docs/spec/key-types.md section 4): a
// symmetric key seals a kmslab ciphertext blob bound to the encryption
// context; an RSA ENCRYPT_DECRYPT key makes one raw RSAES-OAEP block, with no
// header and no context. Encrypt, Decrypt and ReEncrypt share these steps.
#ifndef KMSLAB_KMS_OPS_KEY_ENCRYPTION_H_
#define KMSLAB_KMS_OPS_KEY_ENCRYPTION_H_

#include <optional>
#include <string>
#include <string_view>

#include "core/secret_bytes.h"
#include "core/status.h"
#include "kms/key_resolver.h"
#include "kms/request_reader.h"
#include "kms/service.h"

namespace kmslab::kms::ops {

// Whether `algorithm` names an asymmetric encryption algorithm (RSAES_OAEP_*,
// SM2PKE): then the caller must name the key, a ciphertext does not.
bool IsAsymmetricEncryption(const std::string& algorithm);

// The key that decrypts `blob`: for an asymmetric algorithm the key the
// request member `key_member` (`key_id`) names, which must be present
// (ValidationException `<key_member> must not be null`); otherwise the key
// the blob names (ResolveCiphertextKey).
core::StatusOr<ResolvedKey> ResolveDecryptingKey(Service& service, const CallContext& call, const std::string& blob,
                                                 const char* key_member, const std::optional<std::string>& key_id,
                                                 const std::string& algorithm);

// The checks before encrypting or decrypting with `key`, in AWS's order
// (section 11.3): the key's usage (InvalidKeyUsageException naming
// `operation`), the algorithm against the key's spec, then an encryption
// context on an asymmetric key (ValidationException).
core::Status CheckEncryptionUse(const Key& key, const std::string& algorithm, const StringMap& context,
                                const char* operation);

// Encrypts under `key` after CheckEncryptionUse passed: a symmetric blob
// under the current material, or an OAEP block of the modulus' length
// (ValidationException when the plaintext exceeds the block's limit).
core::StatusOr<std::string> EncryptUnderKey(const Key& key, const std::string& algorithm,
                                            std::string_view plaintext, const StringMap& context);

// Decrypts `blob` with `key` after CheckEncryptionUse passed (for a symmetric
// key, `blob` names it: see ResolveCiphertextKey). InvalidCiphertextException
// with AWS's empty message for anything that does not decrypt.
core::StatusOr<core::SecretBytes> DecryptUnderKey(const Key& key, const std::string& algorithm,
                                                  const std::string& blob, const StringMap& context);

}  // namespace kmslab::kms::ops

#endif  // KMSLAB_KMS_OPS_KEY_ENCRYPTION_H_
