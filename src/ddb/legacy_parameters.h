// DynamoDB's legacy (non-expression) parameters, translated into the
// expression parameters they stand for, so that the expression machinery
// (expressions.h, update_expression.h) does all the evaluating
// (docs/spec/dynamodb.md sections 0, 1.2, 1.4, 4):
//
//   Expected + ConditionalOperator  -> ConditionExpression   (PutItem, UpdateItem, DeleteItem)
//   AttributeUpdates                -> UpdateExpression      (UpdateItem)
//   AttributesToGet                 -> ProjectionExpression  (GetItem, BatchGetItem's entries, Query, Scan)
//   KeyConditions                   -> KeyConditionExpression (Query)
//   QueryFilter / ScanFilter + ConditionalOperator -> FilterExpression (Query, Scan)
//
// Attribute names and values go through generated placeholders "#legacyN" /
// ":legacyN", numbered past any the request itself defines, merged with the
// request's own ExpressionAttributeNames / Values (Query may combine
// KeyConditions with FilterExpression or ProjectionExpression).
//
// Translation also validates the legacy parameters with DynamoDB's texts:
// mixing them with expression parameters, expression attribute maps without
// expressions, Expected's Exists / Value / ComparisonOperator combinations,
// ComparisonOperator argument counts and types, AttributeUpdates actions,
// AttributesToGet, ConditionalOperator. Errors are InvalidArgument statuses
// with the ValidationException text (SerializationException for JSON types).
//
// Pure: no I/O. Thread-compatible.
#ifndef KMSLAB_DDB_LEGACY_PARAMETERS_H_
#define KMSLAB_DDB_LEGACY_PARAMETERS_H_

#include <rapidjson/document.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace kmslab::ddb {

// The expression parameters one request's legacy parameters stand for.
// Empty (translated() false) when the request used none.
class LegacyTranslation {
 public:
  LegacyTranslation();

  bool translated() const { return !expressions_.empty(); }
  // The generated text of expression member `member` ("ConditionExpression",
  // "UpdateExpression", "ProjectionExpression", "KeyConditionExpression",
  // "FilterExpression"), or null when no legacy parameter stands for it.
  const std::string* Expression(std::string_view member) const;
  // The request's ExpressionAttributeNames / Values merged with the generated
  // ones, each null when empty; valid as ExpressionContext's trusting
  // constructor requires. Meaningful only when translated().
  const rapidjson::Value* names() const;
  const rapidjson::Value* values() const;

  // The request `body` as its expression equivalent: each legacy member
  // replaced by the expression generated for it, and the merged names and
  // values; for what reads the request whole (the fine-grained condition
  // keys). Meaningful only when translated().
  rapidjson::Document ExpressionRequest(const rapidjson::Value& body) const;

  // Query: fails when the QueryFilter names a key attribute of the table
  // (`hash_name`, `range_name`, the latter empty without a sort key):
  // "QueryFilter can only contain non-primary key attributes: Primary key attribute: <k>".
  core::Status CheckQueryFilterKeys(const std::string& hash_name, const std::string& range_name) const;

  // Rewrites an error of applying the translated UpdateExpression to an
  // item into the legacy wording ("Type mismatch for attribute to update");
  // other statuses pass unchanged.
  core::Status UpdateError(core::Status status) const;

 private:
  friend core::Status TranslateLegacyParameters(std::string_view operation, const rapidjson::Value& request,
                                                LegacyTranslation& out);
  std::vector<std::pair<std::string, std::string>> expressions_;  // member -> text
  std::vector<std::string> query_filter_attributes_;
  rapidjson::Document maps_;  // {"names": {...}, "values": {...}}
};

// Validates the legacy parameters of `request`, a request of `operation`
// (PutItem, DeleteItem, UpdateItem, GetItem, Query or Scan; a BatchGetItem
// entry reads as GetItem), and fills `out`
// with their translation. Also rejects what DynamoDB rejects before reading
// any expression: expression and non-expression parameters together ("Can not
// use both expression and non-expression parameters in the same request:
// Non-expression parameters: {Expected} Expression parameters:
// {ConditionExpression}"), ExpressionAttributeNames or ExpressionAttributeValues
// without an expression that could use them.
core::Status TranslateLegacyParameters(std::string_view operation, const rapidjson::Value& request,
                                       LegacyTranslation& out);

}  // namespace kmslab::ddb

#endif  // KMSLAB_DDB_LEGACY_PARAMETERS_H_
