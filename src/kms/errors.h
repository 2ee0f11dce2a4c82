// AWS KMS error factories: the one place kms/ names AWS error types and
// writes their messages (texts from AWS, docs/spec/kms.md section 1.5).
#ifndef KMSLAB_KMS_ERRORS_H_
#define KMSLAB_KMS_ERRORS_H_

#include <string>
#include <string_view>

#include "core/status.h"

namespace kmslab::kms {

core::Status ValidationError(std::string message);
core::Status SerializationError(std::string message);
core::Status InvalidKeyIdError(std::string_view value);          // Invalid keyId '<value>'
core::Status KeyNotFoundError(std::string_view key_arn);         // Key '<arn>' does not exist
core::Status InvalidArnRegionError(std::string_view region);     // Invalid arn <region>
core::Status AliasNotFoundError(std::string_view alias_arn);     // Alias <arn> is not found.
core::Status DisabledError(std::string_view key_arn);            // <arn> is disabled.
core::Status InvalidStateError(std::string message);             // KMSInvalidStateException
core::Status InvalidKeyUsageError(std::string_view key_arn, std::string_view usage, std::string_view operation);
// Algorithm <algorithm> is incompatible with key spec <spec>.
core::Status IncompatibleAlgorithmError(std::string_view algorithm, std::string_view key_spec);
core::Status IncorrectKeyError();
core::Status InvalidSignatureError();  // KMSInvalidSignatureException, empty message as AWS
core::Status InvalidMacError();        // KMSInvalidMacException, empty message as AWS
core::Status InvalidCiphertextError();  // always an empty message, as AWS
core::Status AlreadyExistsError(std::string message);
core::Status TagError(std::string message);
core::Status LimitExceededError(std::string message);
core::Status UnsupportedOperationError(std::string message);
// UnsupportedOperationException <arn> is not a multi-region primary key.
core::Status NotMultiRegionPrimaryError(std::string_view key_arn);
core::Status DryRunError();
// A Recipient (Nitro Enclaves attestation document), which kmslab cannot
// verify: refused (docs/spec/key-types.md section 15.7).
core::Status RecipientUnsupportedError();
// <arn> origin is <origin> which is not valid for this operation.
core::Status OriginNotValidError(std::string_view key_arn, std::string_view origin);
// Imported key material (docs/spec/key-types.md section 9.3).
core::Status InvalidImportTokenError();
core::Status ExpiredImportTokenError();
core::Status IncorrectKeyMaterialError();
core::Status AccessDeniedError(std::string message);
// AccessDenied for a ciphertext whose key cannot be used: unknown here, or
// denied on a service-forwarded decrypt.
inline constexpr char kLegacyCiphertextDenied[] =
    "The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are "
    "not allowed to access.";
core::Status NotFoundError(std::string message);
core::Status MalformedPolicyError(std::string message);

// Maps any status without an AWS type (a lower layer's failure) to
// KMSInternalException; statuses already named pass through.
core::Status ToAwsError(const core::Status& status);

}  // namespace kmslab::kms

#endif  // KMSLAB_KMS_ERRORS_H_
