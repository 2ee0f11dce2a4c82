// Runs a parsed PartiQL statement (ddb/partiql.h) as the item operation
// DynamoDB performs for it, through that operation's own Read and Execute
// (item_ops.h), so every validation, the write path and encryption at rest
// are the item calls':
//   SELECT with pk = v in its top-level ANDs and no other of them naming a
//          key attribute: a Query on pk filtered by the others; otherwise a
//          Scan filtered by the WHERE; FROM table.index: the same on the
//          index (its keys, IndexName), authorized on the index's ARN;
//          a key-only SELECT (batches): a GetItem on the full key
//   INSERT: a PutItem conditioned on attribute_not_exists(pk); a taken key
//          gives DuplicateItemException
//   UPDATE: an UpdateItem on the WHERE's key equalities, conditioned on
//          attribute_exists(pk) AND the WHERE
//   DELETE: a DeleteItem on the WHERE's key equalities; when the WHERE holds
//          more than the key, conditioned on attribute_not_exists(pk) OR the
//          WHERE (no item: success, nothing deleted)
#ifndef KMSLAB_DDB_OPS_PARTIQL_RUN_H_
#define KMSLAB_DDB_OPS_PARTIQL_RUN_H_

#include <rapidjson/document.h>

#include <optional>
#include <string>

#include "core/status.h"
#include "ddb/partiql.h"
#include "ddb/service.h"
#include "kms/call.h"

namespace kmslab::ddb::ops {

// One statement of a request with what goes with it.
struct StatementCall {
  const partiql::Statement* statement = nullptr;
  const rapidjson::Value* parameters = nullptr;      // the Parameters array, or null
  std::optional<std::string> return_old_on_failure;  // ReturnValuesOnConditionCheckFailure as sent
  bool key_only = false;                              // SELECT must name the full key (GetItem)
  std::optional<int64_t> limit;                       // SELECT: items to evaluate per page
  const rapidjson::Value* start_key = nullptr;        // SELECT: the key to continue after
  bool consistent_read = false;                       // ConsistentRead as sent
  std::optional<std::string> return_consumed_capacity;  // passed on to the item operation
};

// The resource a statement is authorized on: the table's ARN, or for
// SELECT FROM table.index the index's (`<table arn>/index/<name>`).
std::string StatementResource(Service& s, const kms::CallContext& call, const partiql::Statement& statement);

// Reads the Parameters member of `entry` (absent: null; else a non-empty
// array of valid AttributeValues) and checks its count against `statement`.
core::StatusOr<const rapidjson::Value*> ReadParameters(const rapidjson::Value& entry,
                                                       const partiql::Statement& statement);

// The item operation a statement stands for, and its request (the body that
// operation reads; an INSERT's PutItem is conditioned on attribute_not_exists).
struct ItemCall {
  enum class Kind { kGetItem, kQuery, kScan, kPutItem, kUpdateItem, kDeleteItem } kind = Kind::kGetItem;
  rapidjson::Document request;
};
core::StatusOr<ItemCall> PlanStatement(Service& s, const kms::CallContext& call, const StatementCall& c);

// Runs the statement as PlanStatement plans it; returns the item operation's response (Query / Scan:
// Items and LastEvaluatedKey; GetItem: Item; writes: {}, or Attributes for
// RETURNING).
core::StatusOr<rapidjson::Document> RunStatement(Service& s, const kms::CallContext& call, const StatementCall& c);

}  // namespace kmslab::ddb::ops

#endif  // KMSLAB_DDB_OPS_PARTIQL_RUN_H_
