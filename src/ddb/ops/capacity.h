// ReturnConsumedCapacity: the capacity units DynamoDB reports for an item
// call (DG/read-write-operations). A read costs one unit per 4 KB of the item
// (rounded up, at least one), half that when eventually consistent; a write
// one unit per 1 KB of the larger of the old and the new item (at least one).
// On-demand and provisioned tables report alike; kmslab tables have no
// secondary indexes, so INDEXES adds only the table's own share.
#ifndef KMSLAB_DDB_OPS_CAPACITY_H_
#define KMSLAB_DDB_OPS_CAPACITY_H_

#include <cstdint>
#include <string>

#include "ddb/ops/common.h"

namespace kmslab::ddb::ops {

enum class CapacityReport { kNone, kTotal, kIndexes };

// ReturnConsumedCapacity: NONE (default), TOTAL or INDEXES; anything else is
// the enum ValidationException.
core::StatusOr<CapacityReport> ReadCapacityReport(const rapidjson::Value& request);

// ReturnItemCollectionMetrics: SIZE or NONE (default), else the enum
// ValidationException. kmslab tables have no local secondary indexes, so
// DynamoDB reports no item collections either way.
core::Status CheckReturnItemCollectionMetrics(const rapidjson::Value& request);

// The value as sent: "NONE", "TOTAL" or "INDEXES" (dynamodb:ReturnConsumedCapacity).
const char* CapacityReportName(CapacityReport report);

// The units of reading an item of `item_bytes` (0: no item found).
double ReadUnits(int64_t item_bytes, bool consistent);
// The units of writing over an item: `item_bytes` is the larger of the stored
// and the written item (0 for deleting nothing).
double WriteUnits(int64_t item_bytes);

// One ConsumedCapacity object for `table` (as the request named it):
// {TableName, CapacityUnits}, and Table {CapacityUnits} for INDEXES.
// Precondition: report is not kNone.
void WriteConsumedCapacity(JsonWriter& out, CapacityReport report, const std::string& table, double units);

}  // namespace kmslab::ddb::ops

#endif  // KMSLAB_DDB_OPS_CAPACITY_H_
