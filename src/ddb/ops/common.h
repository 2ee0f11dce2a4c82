// Request reading shared by the operation files, with DynamoDB's texts.
#ifndef KMSLAB_DDB_OPS_COMMON_H_
#define KMSLAB_DDB_OPS_COMMON_H_

#include <optional>
#include <string>
#include <string_view>

#include "ddb/errors.h"
#include "ddb/legacy_parameters.h"
#include "ddb/plan.h"
#include "ddb/service.h"

namespace kmslab::ddb::ops {

// "1 validation error detected: Value null at '<field>' ...".
core::Status NullMember(const char* field);
// A string member: absent -> nullopt; not a string -> SerializationException.
core::StatusOr<std::optional<std::string>> OptionalString(const rapidjson::Value& request, const char* member);
// A boolean member (ConsistentRead ...): absent -> false; not a boolean -> SerializationException.
core::StatusOr<bool> OptionalBool(const rapidjson::Value& request, const char* member);
// A required table or backup name (3-255 of [a-zA-Z0-9_.-]); `field` is the
// member as messages spell it (tableName, targetTableName, backupName).
core::StatusOr<std::string> RequiredName(const rapidjson::Value& request, const char* member, const char* field);
// A TableName that may also be a table ARN (reference section 0; the
// transactions take one): a name as RequiredName reads it, or "arn:..." of
// at most 1024 characters, for ResolveTableRef (batch_common.h).
core::StatusOr<std::string> RequiredTableNameOrArn(const rapidjson::Value& request, const char* member,
                                                   const char* field);
// A required string member (BackupArn ...).
core::StatusOr<std::string> RequiredString(const rapidjson::Value& request, const char* member, const char* field);
// An object member (Item, Key, ExpressionAttributeValues ...), or null when absent.
core::StatusOr<const rapidjson::Value*> OptionalObject(const rapidjson::Value& request, const char* member);
// A required object member; absent -> "Value null at '<field>'" ValidationException.
core::StatusOr<const rapidjson::Value*> RequiredObject(const rapidjson::Value& request, const char* member,
                                                       const char* field);
// Rejects members kmslab does not implement, naming them.
core::Status RejectUnsupported(const rapidjson::Value& request, std::initializer_list<const char*> members,
                               const char* operation);

// A table as a request names it (TableName, a RequestItems key): by name or
// by table ARN (reference section 0), resolved for the caller.
struct TableRef {
  std::string arn;   // what authorization checks: the ARN as sent, or the caller's table's
  std::string name;  // the table's name in `account` and the caller's Region; "" when the ARN names no such table
  std::string account;  // the caller's for a name, the ARN's for an ARN (another account's: resource_policies.h)
};
TableRef ResolveTableRef(const Service& s, const kms::CallContext& call, std::string_view sent);
// The table `ref` names, or null.
std::shared_ptr<Table> FindRefTable(const Service& s, const kms::CallContext& call, const TableRef& ref);

// The table of an item operation, named by name or by ARN (as
// ReadItemTableRequest accepts; by ARN also another account's table, which its
// resource-based policy may open to the caller), or ResourceNotFoundException
// "Requested resource not found" (also for an ARN of another partition or Region).
core::StatusOr<std::shared_ptr<Table>> TableForItems(Service& s, const kms::CallContext& call,
                                                     const std::string& name);

// The request of an operation on one table named by TableName: the name, read
// and checked by Read, and the whole body for Execute to read the rest from.
// Item operations' Read also fills `legacy` (TranslateLegacyParameters), which
// the expression readers of item_common.h consult before the body. PutItem,
// UpdateItem and DeleteItem keep a failed translation in `legacy_error` for
// Execute to report under the server's validation envelope (Enveloped).
struct TableRequest {
  std::string table;
  const rapidjson::Value* body = nullptr;
  LegacyTranslation legacy;
  core::Status legacy_error;
};
core::Status ReadTableRequest(const rapidjson::Value& body, TableRequest& request);
// ReadTableRequest for the item operations, whose TableName may also be an
// ARN ("arn:..."), kept as sent for ResolveTableRef.
core::Status ReadItemTableRequest(const rapidjson::Value& body, TableRequest& request);

// The pipeline stages (pipeline.h) of an operation on one table, authorized
// as dynamodb:<kName> on the table's ARN. Operations derive from it and add
// kName, Execute and, when they check more members up front, their own Read
// (item operations: ReadItemTableRequest).
struct OneTableOp {
  using Request = TableRequest;
  static core::Status Read(const rapidjson::Value& body, Request& request) { return ReadTableRequest(body, request); }
  static core::Status Resolve(Service& s, const kms::CallContext& call, const Request& request, Plan& plan) {
    plan.Require(ResolveTableRef(s, call, request.table).arn);
    return core::Status();
  }
};
// A table's recorded key failure, as the error DynamoDB returned when it found it.
core::Status InaccessibleError(const TableState& state);

}  // namespace kmslab::ddb::ops

#endif  // KMSLAB_DDB_OPS_COMMON_H_
