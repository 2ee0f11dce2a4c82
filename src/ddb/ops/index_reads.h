// Query and Scan on a secondary index (docs/spec/dynamodb.md sections 4, 5
// and 10): which index a request reads and whether it may, the resource it
// is authorized on (`<table arn>/index/<name>`), its ExclusiveStartKey and
// LastEvaluatedKey (the table's keys and the index's), how items show
// through the index's projection, and walking the index's entries.
#ifndef KMSLAB_DDB_OPS_INDEX_READS_H_
#define KMSLAB_DDB_OPS_INDEX_READS_H_

#include <functional>
#include <optional>
#include <string>

#include "ddb/condition_keys.h"
#include "ddb/index_schema.h"
#include "ddb/ops/common.h"

namespace kmslab::ddb::ops {

// IndexName of a Query or Scan, shape-checked (3-255 of [a-zA-Z0-9_.-]).
core::StatusOr<std::optional<std::string>> ReadIndexName(const rapidjson::Value& body);

// The key schema of an index as a definition of its own (hash, range, types).
TableDefinition IndexKeyDefinition(const IndexSchema& index);

// Query's and Scan's pipeline stages: dynamodb:<Op> on the table's ARN, or
// with IndexName on the index's; the condition keys `Keys` computes, with
// LeadingKeys from the index's partition key when the index exists.
template <ConditionKeys (*Keys)(const rapidjson::Value&, const TableDefinition*)>
struct IndexedReadOp : OneTableOp {
  static core::Status Resolve(Service& s, const kms::CallContext& call, const TableRequest& request, Plan& plan);
};

// The index a read uses, kept alive by `list`.
struct IndexRead {
  IndexList list;
  const IndexSchema* schema = nullptr;
  TableDefinition keys;  // IndexKeyDefinition(*schema)
};
// The index named `name` of `table` (nullopt without a name), checked for the
// read: it exists and is readable, no ConsistentRead on a GSI, and
// `all_attributes` (Select ALL_ATTRIBUTES) only on an index projecting all or an LSI.
core::StatusOr<std::optional<IndexRead>> FindReadIndex(const Table& table, const std::optional<std::string>& name,
                                                      bool consistent_read, bool all_attributes);

// ExclusiveStartKey of an index read: exactly the table's and the index's key attributes.
core::Status ValidateIndexStartKey(const TableDefinition& definition, const IndexRead& index,
                                   const rapidjson::Value& key);
// LastEvaluatedKey of an index read: the table's and the index's keys of the item (JSON text).
void WriteIndexItemKey(JsonWriter& out, const TableDefinition& definition, const IndexSchema& index,
                       const std::string& item_json);

// How an index read shows items: `output` = as the index projects them;
// `filter` = FilterExpression sees only the projection (GSIs; an LSI fetches
// what it lacks from the table).
struct IndexView {
  const TableDefinition* table = nullptr;
  const IndexSchema* index = nullptr;
  bool output = false;
  bool filter = false;
};
IndexView ViewOf(const TableDefinition& definition, const IndexRead& index, bool all_projected);

// Walks the index's items (JSON text of the stored items) in index order
// (backwards unless `forward`), after `start` (an ExclusiveStartKey) if
// given, until `visit` returns false: Query one index partition (its key
// bytes), Scan every partition in key-byte order (only those of `segment`
// when set). Requires table.mu held.
void VisitIndexPartition(const Table& table, const IndexRead& index, const std::string& partition, bool forward,
                         const rapidjson::Value* start, const std::function<bool(const std::string&)>& visit);
void VisitIndexScan(const Table& table, const IndexRead& index, std::optional<int64_t> segment,
                    int64_t total_segments, const rapidjson::Value* start,
                    const std::function<bool(const std::string&)>& visit);

}  // namespace kmslab::ddb::ops

#endif  // KMSLAB_DDB_OPS_INDEX_READS_H_
