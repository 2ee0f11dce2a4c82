#include "ddb/errors.h"

namespace kmslab::ddb {

using core::Code;
using core::Status;

namespace {
Status Make(Code code, const char* type, std::string message) { return Status(code, std::move(message), type); }
}  // namespace

Status ValidationError(std::string m) { return Make(Code::kInvalidArgument, "ValidationException", std::move(m)); }
Status ResourceNotFound(std::string m) { return Make(Code::kNotFound, "ResourceNotFoundException", std::move(m)); }
Status ResourceInUse(std::string m) { return Make(Code::kFailedPrecondition, "ResourceInUseException", std::move(m)); }
Status AccessDenied(std::string m) { return Make(Code::kPermissionDenied, "AccessDeniedException", std::move(m)); }
Status InternalServerError(std::string m) { return Make(Code::kInternal, "InternalServerError", std::move(m)); }
Status LimitExceeded(std::string m) { return Make(Code::kResourceExhausted, "LimitExceededException", std::move(m)); }
Status SerializationError(std::string m) { return Make(Code::kInvalidArgument, "SerializationException", std::move(m)); }
Status TransactionCanceled(std::string m) {
  return Make(Code::kFailedPrecondition, "TransactionCanceledException", std::move(m));
}
// Reference section 3.3 and 13.7: the texts are kmslab's defaults.
Status IdempotentParameterMismatch() {
  return Make(Code::kInvalidArgument, "IdempotentParameterMismatchException",
              "Request token reused with different parameters");
}
Status TransactionInProgress() {
  return Make(Code::kFailedPrecondition, "TransactionInProgressException",
              "The transaction with the given request token is already in progress.");
}
Status ExpiredIterator() {
  return Make(Code::kInvalidArgument, "ExpiredIteratorException", "The provided iterator exceeds the maximum age allowed.");
}
Status TrimmedDataAccess() {
  return Make(Code::kFailedPrecondition, "TrimmedDataAccessException", "The data you are trying to access has been trimmed");
}
Status ConditionalCheckFailed() {
  return Make(Code::kFailedPrecondition, "ConditionalCheckFailedException", "The conditional request failed");
}
Status DuplicateItem() {
  return Make(Code::kAlreadyExists, "DuplicateItemException", "Duplicate primary key exists in table");
}
Status BackupNotFound(std::string_view arn) {
  return Make(Code::kNotFound, "BackupNotFoundException", "Backup not found: " + std::string(arn));
}
Status TableNotFound(std::string_view name) {
  return Make(Code::kNotFound, "TableNotFoundException", "Table not found: " + std::string(name));
}
Status TableAlreadyExists(std::string_view name) {
  return Make(Code::kAlreadyExists, "TableAlreadyExistsException", "Table already exists: " + std::string(name));
}
Status PolicyNotFound(std::string_view detail) {
  return Make(Code::kNotFound, "PolicyNotFoundException",
              "Resource-based policy not found for the provided ResourceArn: " + std::string(detail));
}

std::string WireErrorType(std::string_view code) {
  if (code == "ValidationException") return "com.amazon.coral.validate#ValidationException";
  if (code == "AccessDeniedException" || code == "UnknownOperationException" || code == "SerializationException" ||
      code == "UnrecognizedClientException" || code == "MissingAuthenticationTokenException" ||
      code == "InvalidSignatureException" || code == "IncompleteSignatureException") {
    return "com.amazon.coral.service#" + std::string(code);
  }
  return "com.amazonaws.dynamodb.v20120810#" + std::string(code);
}

Status FromKmsError(const Status& kms_error, std::string_view kms_request_id) {
  const std::string& code = kms_error.aws_type();
  const char* prefix = "KMS internal error";
  Status (*make)(std::string) = InternalServerError;
  if (code == "NotFoundException" || code == "KMSInvalidStateException" || code == "InvalidArnException") {
    prefix = "KMS validation error";
    make = ValidationError;
  } else if (code == "DisabledException") {
    prefix = "KMS key disabled error";
    make = ValidationError;
  } else if (code == "AccessDeniedException") {
    prefix = "KMS key access denied error";
    make = AccessDenied;
  }
  // The Java SDK v1 has a class per modelled KMS error; others surface as AWSKMSException.
  const bool modelled = code == "NotFoundException" || code == "KMSInvalidStateException" ||
                        code == "InvalidArnException" || code == "DisabledException";
  const std::string java_class = modelled ? code : "AWSKMSException";
  return make(std::string(prefix) + ": com.amazonaws.services.kms.model." + java_class + ": " + kms_error.message() +
              " (Service: AWSKMS; Status Code: 400; Error Code: " + code + "; Request ID: " +
              std::string(kms_request_id) + "; Proxy: null)");
}

}  // namespace kmslab::ddb
