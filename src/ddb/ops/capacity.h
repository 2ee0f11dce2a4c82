// ReturnConsumedCapacity: the capacity units DynamoDB reports for an item
// call (DG/read-write-operations). A read costs one unit per 4 KB of the item
// (rounded up, at least one), half that when eventually consistent; a write
// one unit per 1 KB of the larger of the old and the new item (at least one).
// On-demand and provisioned tables report alike. A write also costs each
// secondary index it changes (IndexWriteUnits); a read through an index
// costs the index, by the size of its entries. The total counts them all;
// INDEXES splits it into Table, GlobalSecondaryIndexes, LocalSecondaryIndexes.
#ifndef KMSLAB_DDB_OPS_CAPACITY_H_
#define KMSLAB_DDB_OPS_CAPACITY_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ddb/index_schema.h"
#include "ddb/ops/common.h"

namespace kmslab::ddb::ops {

enum class CapacityReport { kNone, kTotal, kIndexes };

// ReturnConsumedCapacity: NONE (default), TOTAL or INDEXES; anything else is
// the enum ValidationException.
core::StatusOr<CapacityReport> ReadCapacityReport(const rapidjson::Value& request);

// ReturnItemCollectionMetrics: SIZE or NONE (default), else the enum
// ValidationException. kmslab does not report ItemCollectionMetrics (the
// item collections of tables with local secondary indexes) either way.
core::Status CheckReturnItemCollectionMetrics(const rapidjson::Value& request);

// The value as sent: "NONE", "TOTAL" or "INDEXES" (dynamodb:ReturnConsumedCapacity).
const char* CapacityReportName(CapacityReport report);

// The units of reading an item of `item_bytes` (0: no item found).
double ReadUnits(int64_t item_bytes, bool consistent);
// The units of writing over an item: `item_bytes` is the larger of the stored
// and the written item (0 for deleting nothing).
double WriteUnits(int64_t item_bytes);

// The units one call consumed on one table: the table's own, and each index's by name.
struct Consumed {
  double table = 0;
  std::map<std::string, double> global_indexes, local_indexes;

  double Total() const;
  void Add(const Consumed& other);
  // Adds `units` to index `index` (its kind's map).
  void AddIndex(const IndexSchema& index, double units);
};

// The write units one item write costs `index` (DG/GSI "Writes", DG/LSI):
// `old_item` / `new_item` null for none. Not in the index before or after:
// 0; entering or leaving it: one write of the entry; its index key changing:
// a delete of the old entry plus a put of the new; staying with the same
// key: one write of the larger entry if what the index projects changed,
// else 0 [I]. An entry's size is the item as the index projects it.
double IndexWriteUnits(const TableDefinition& definition, const IndexSchema& index, const rapidjson::Value* old_item,
                       const rapidjson::Value* new_item);
// Adds the index write units of one item write to `consumed`: `old_json` /
// `new_json` the stored JSON before and after, "" for none. Indexes being
// deleted cost nothing.
void AddIndexWrites(const TableDefinition& definition, const IndexList& indexes, const std::string& old_json,
                    const std::string& new_json, Consumed& consumed);

// One ConsumedCapacity object for `table` (as the request named it):
// {TableName, CapacityUnits (the total)}, and for INDEXES Table {CapacityUnits}
// and GlobalSecondaryIndexes / LocalSecondaryIndexes {name: {CapacityUnits}}
// (each map only when an index was involved). Precondition: report is not kNone.
void WriteConsumedCapacity(JsonWriter& out, CapacityReport report, const std::string& table, const Consumed& consumed);
// Reads back one ConsumedCapacity object as WriteConsumedCapacity writes it
// (an item call's, to total a batch of them): for TOTAL only the total is
// known, and it counts as the table's.
Consumed ConsumedOf(const rapidjson::Value& consumed_capacity);
// The same for units of the table alone.
void WriteConsumedCapacity(JsonWriter& out, CapacityReport report, const std::string& table, double units);

}  // namespace kmslab::ddb::ops

#endif  // KMSLAB_DDB_OPS_CAPACITY_H_
