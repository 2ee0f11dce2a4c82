#include "kms/errors.h"

namespace kmslab::kms {

using core::Code;
using core::Status;

namespace {
Status Make(Code code, std::string type, std::string message) {
  return Status(code, std::move(message), std::move(type));
}
}  // namespace

Status ValidationError(std::string message) {
  return Make(Code::kInvalidArgument, "ValidationException", std::move(message));
}
Status SerializationError(std::string message) {
  return Make(Code::kInvalidArgument, "SerializationException", std::move(message));
}
Status InvalidKeyIdError(std::string_view value) {
  return Make(Code::kNotFound, "NotFoundException", "Invalid keyId '" + std::string(value) + "'");
}
Status KeyNotFoundError(std::string_view key_arn) {
  return Make(Code::kNotFound, "NotFoundException", "Key '" + std::string(key_arn) + "' does not exist");
}
Status InvalidArnRegionError(std::string_view region) {
  return Make(Code::kNotFound, "NotFoundException", "Invalid arn " + std::string(region));
}
Status AliasNotFoundError(std::string_view alias_arn) {
  return Make(Code::kNotFound, "NotFoundException", "Alias " + std::string(alias_arn) + " is not found.");
}
Status NotFoundError(std::string message) {
  return Make(Code::kNotFound, "NotFoundException", std::move(message));
}
Status DisabledError(std::string_view key_arn) {
  return Make(Code::kFailedPrecondition, "DisabledException", std::string(key_arn) + " is disabled.");
}
Status InvalidStateError(std::string message) {
  return Make(Code::kFailedPrecondition, "KMSInvalidStateException", std::move(message));
}
Status InvalidKeyUsageError(std::string_view key_arn, std::string_view usage, std::string_view operation) {
  return Make(Code::kFailedPrecondition, "InvalidKeyUsageException",
              std::string(key_arn) + " key usage is " + std::string(usage) + " which is not valid for " +
                  std::string(operation) + ".");
}
Status IncompatibleAlgorithmError(std::string_view algorithm, std::string_view key_spec) {
  return Make(Code::kFailedPrecondition, "InvalidKeyUsageException",
              "Algorithm " + std::string(algorithm) + " is incompatible with key spec " + std::string(key_spec) + ".");
}
Status InvalidSignatureError() { return Make(Code::kInvalidArgument, "KMSInvalidSignatureException", ""); }
Status InvalidMacError() { return Make(Code::kInvalidArgument, "KMSInvalidMacException", ""); }
Status IncorrectKeyError() {
  return Make(Code::kInvalidArgument, "IncorrectKeyException",
              "The key ID in the request does not identify a CMK that can perform this operation.");
}
Status InvalidCiphertextError() { return Make(Code::kDataLoss, "InvalidCiphertextException", ""); }
Status AlreadyExistsError(std::string message) {
  return Make(Code::kAlreadyExists, "AlreadyExistsException", std::move(message));
}
Status TagError(std::string message) { return Make(Code::kInvalidArgument, "TagException", std::move(message)); }
Status LimitExceededError(std::string message) {
  return Make(Code::kResourceExhausted, "LimitExceededException", std::move(message));
}
Status UnsupportedOperationError(std::string message) {
  return Make(Code::kFailedPrecondition, "UnsupportedOperationException", std::move(message));
}

Status NotMultiRegionPrimaryError(std::string_view key_arn) {
  return UnsupportedOperationError(std::string(key_arn) + " is not a multi-region primary key.");
}

Status RecipientUnsupportedError() {
  return ValidationError("Recipient attestation documents are not supported by kmslab");
}
Status OriginNotValidError(std::string_view key_arn, std::string_view origin) {
  return UnsupportedOperationError(std::string(key_arn) + " origin is " + std::string(origin) +
                                   " which is not valid for this operation.");
}
Status InvalidImportTokenError() {
  return Make(Code::kInvalidArgument, "InvalidImportTokenException",
              "The import token is invalid or belongs to a different KMS key.");
}
Status ExpiredImportTokenError() {
  return Make(Code::kFailedPrecondition, "ExpiredImportTokenException", "The import token has expired.");
}
Status IncorrectKeyMaterialError() {
  return Make(Code::kInvalidArgument, "IncorrectKeyMaterialException",
              "The key material does not match the key material previously imported into this KMS key.");
}
Status DryRunError() {
  return Make(Code::kFailedPrecondition, "DryRunOperationException",
              "The request would have succeeded, but the DryRun option is set.");
}
Status AccessDeniedError(std::string message) {
  return Make(Code::kPermissionDenied, "AccessDeniedException", std::move(message));
}

Status MalformedPolicyError(std::string message) {
  return Make(Code::kInvalidArgument, "MalformedPolicyDocumentException", std::move(message));
}

Status ToAwsError(const Status& status) {
  if (status.ok() || !status.aws_type().empty()) return status;
  return Make(Code::kInternal, "KMSInternalException", "An internal error occurred: " + status.message());
}

}  // namespace kmslab::kms
