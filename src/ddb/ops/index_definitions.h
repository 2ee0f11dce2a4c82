// Secondary indexes as CreateTable and UpdateTable declare them
// (docs/spec/dynamodb.md section 5), with DynamoDB's validation texts.
#ifndef KMSLAB_DDB_OPS_INDEX_DEFINITIONS_H_
#define KMSLAB_DDB_OPS_INDEX_DEFINITIONS_H_

#include <vector>

#include "ddb/index_schema.h"
#include "ddb/ops/common.h"

namespace kmslab::ddb::ops {

// Whether the CreateTable request declares indexes (its AttributeDefinitions
// then also define their keys).
bool DeclaresIndexes(const rapidjson::Value& request);

// LocalSecondaryIndexes and GlobalSecondaryIndexes of a CreateTable request,
// checked against the table's key schema and billing mode in `definition`;
// AttributeDefinitions must be exactly the key attributes of the table and its
// indexes. Leaves in `definition` only the table's own key attributes.
core::StatusOr<std::vector<IndexSchema>> ReadCreateTableIndexes(const rapidjson::Value& request,
                                                                TableDefinition& definition);

// UpdateTable with GlobalSecondaryIndexUpdates (and AttributeDefinitions):
// one Create or Delete per call and per table at a time, or throughput
// Updates; the change runs on the server clock (Options::index_*_ms).
core::Status UpdateTableIndexes(Service& s, const kms::CallContext& call, const TableRequest& q, JsonWriter& out);

// DeleteTable's refusal while an index is being created, updated or deleted.
// Requires table.mu held.
core::Status CheckNoIndexChange(const Table& table);

}  // namespace kmslab::ddb::ops

#endif  // KMSLAB_DDB_OPS_INDEX_DEFINITIONS_H_
