// DynamoDB's fine-grained access-control condition keys (reference:
// docs/spec/dynamodb.md section 10), computed from a request's body and its
// table's definition, for the request context of the call's authorization.
//
//   dynamodb:LeadingKeys            the partition-key values addressed, as strings
//                                   (S as sent, N in canonical decimal form, B as
//                                   sent in base64); multi-valued
//   dynamodb:Attributes             the top-level attribute names the request reads
//                                   (a projection, update operands), writes (Item,
//                                   update paths), conditions on (ConditionExpression,
//                                   FilterExpression) or addresses (the key
//                                   attributes); multi-valued
//   dynamodb:Select                 Select as sent; else SPECIFIC_ATTRIBUTES with a
//                                   ProjectionExpression (the only Select DynamoDB
//                                   accepts with one), else ALL_ATTRIBUTES
//   dynamodb:ReturnValues           ReturnValues as sent, NONE if omitted
//   dynamodb:ReturnConsumedCapacity ReturnConsumedCapacity as sent, NONE if omitted
//
// Which keys each operation sets follows the reference's table: LeadingKeys on
// the item actions and Query (never Scan), Attributes on those and Scan,
// Select on GetItem, Query and Scan, ReturnValues on Put/Update/DeleteItem,
// Query and Scan, ReturnConsumedCapacity on all of them. A key whose members
// are missing or malformed in the request is left unset: the operation's
// Execute rejects such a request before it touches anything. An empty
// multi-valued key counts as absent (policy::RequestContext): a Scan without
// a projection addresses no attribute by name, and the Select key is what
// says it reads them all.
//
// Pure functions of their arguments: thread-safe.
#ifndef KMSLAB_DDB_CONDITION_KEYS_H_
#define KMSLAB_DDB_CONDITION_KEYS_H_

#include <rapidjson/document.h>

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ddb/table.h"
#include "policy/request_context.h"

namespace kmslab::ddb {

// The condition keys of one request's part on one table; unset members are
// left out of the request context.
struct ConditionKeys {
  std::optional<std::vector<std::string>> leading_keys;
  std::optional<std::vector<std::string>> attributes;  // in first-seen order, no repeats
  std::optional<std::string> select;
  std::optional<std::string> return_values;
  std::optional<std::string> return_consumed_capacity;

  // Sets the keys that are set into `context`, replacing earlier values; an
  // empty list is left out, as it would count as absent anyway.
  void AddTo(policy::RequestContext& context) const;
  // Adds the keys of another part of the same request on the same table (a
  // table a batch names twice, by name and by ARN): lists are joined; a
  // single value that differs becomes unset unless one side reads all
  // attributes (Select ALL_ATTRIBUTES wins), so no part escapes a condition.
  void Merge(const ConditionKeys& other);
};

// The string a partition-key AttributeValue stands as in dynamodb:LeadingKeys,
// or nullopt when `av` is no S, N or B value.
std::optional<std::string> LeadingKeyValue(const rapidjson::Value& av);

// LeadingKeys and Attributes for requests that address items by key or write
// them whole (one table's part of a batch too): `keys_or_items` are Key maps
// or Items (non-objects are skipped); LeadingKeys holds each one's partition
// key under `definition` (unset when `definition` is null), Attributes their
// member names followed by `more_attributes`.
ConditionKeys ConditionKeysForItems(const TableDefinition* definition,
                                    std::span<const rapidjson::Value* const> keys_or_items,
                                    const std::vector<std::string>& more_attributes);

// The condition keys of one operation's request body (an object); `definition`
// is the table's, or null when the table does not exist.
ConditionKeys GetItemConditionKeys(const rapidjson::Value& body, const TableDefinition* definition);
ConditionKeys PutItemConditionKeys(const rapidjson::Value& body, const TableDefinition* definition);
ConditionKeys DeleteItemConditionKeys(const rapidjson::Value& body, const TableDefinition* definition);
ConditionKeys UpdateItemConditionKeys(const rapidjson::Value& body, const TableDefinition* definition);
ConditionKeys QueryConditionKeys(const rapidjson::Value& body, const TableDefinition* definition);
ConditionKeys ScanConditionKeys(const rapidjson::Value& body, const TableDefinition* definition);
// One table's part of a batch: `entry` is its RequestItems value (BatchGetItem:
// {Keys, ProjectionExpression, ExpressionAttributeNames}; BatchWriteItem: the
// list of PutRequest / DeleteRequest), `body` the whole request.
ConditionKeys BatchGetItemConditionKeys(const rapidjson::Value& entry, const rapidjson::Value& body,
                                        const TableDefinition* definition);
ConditionKeys BatchWriteItemConditionKeys(const rapidjson::Value& entry, const rapidjson::Value& body,
                                          const TableDefinition* definition);

}  // namespace kmslab::ddb

#endif  // KMSLAB_DDB_CONDITION_KEYS_H_
