// DynamoDB error factories: the one place ddb/ names DynamoDB error types, and
// the wrapping of KMS errors the way DynamoDB reports them
// (docs/spec/dynamodb-sse.md sections 1.6, 1.7 and 5.1).
#ifndef KMSLAB_DDB_ERRORS_H_
#define KMSLAB_DDB_ERRORS_H_

#include <string>
#include <string_view>

#include "core/status.h"

namespace kmslab::ddb {

core::Status ValidationError(std::string message);
core::Status ResourceNotFound(std::string message);
core::Status ResourceInUse(std::string message);
core::Status AccessDenied(std::string message);
core::Status InternalServerError(std::string message);
core::Status LimitExceeded(std::string message);
core::Status ConditionalCheckFailed();
// PartiQL INSERT of an item whose key is taken.
core::Status DuplicateItem();
core::Status BackupNotFound(std::string_view backup_arn);
core::Status TableNotFound(std::string_view table_name);
core::Status TableAlreadyExists(std::string_view table_name);
// PolicyNotFoundException "Resource-based policy not found for the provided ResourceArn: <detail>".
core::Status PolicyNotFound(std::string_view detail);
core::Status SerializationError(std::string message);
// TransactionCanceledException "Transaction cancelled, please refer
// cancellation reasons for specific reasons [<codes>]"; the caller adds the
// CancellationReasons (Status::WithDetail).
core::Status TransactionCanceled(std::string message);
core::Status IdempotentParameterMismatch();
core::Status TransactionInProgress();
// DynamoDB Streams (docs/spec/dynamodb.md section 6.2).
core::Status ExpiredIterator();
core::Status TrimmedDataAccess();

// The `__type` DynamoDB sends for an error code: most live in
// com.amazonaws.dynamodb.v20120810, ValidationException in com.amazon.coral.validate,
// AccessDenied and the protocol errors in com.amazon.coral.service.
std::string WireErrorType(std::string_view code);

// A failed KMS call made for DynamoDB, as DynamoDB reports it: a prefix chosen
// by the KMS error code, the Java SDK exception text, and the KMS request id.
core::Status FromKmsError(const core::Status& kms_error, std::string_view kms_request_id);

}  // namespace kmslab::ddb

#endif  // KMSLAB_DDB_ERRORS_H_
