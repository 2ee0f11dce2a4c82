// A table's ItemCount and TableSizeBytes, and its indexes', kept durable
// beside its items: each committed item write carries the table's counts
// after it (store::DdbItemWrite::Kind::kTableStats), so DescribeTable shows
// them after a restart, before anything loads the table's items (loading
// recounts them from the items). kmslab shows current counts; DynamoDB
// refreshes them about every six hours.
#ifndef KMSLAB_DDB_TABLE_STATS_H_
#define KMSLAB_DDB_TABLE_STATS_H_

#include <string>

#include "ddb/table.h"
#include "store/records.h"

namespace kmslab::ddb {

// The stats row of `table` as it is now: its counts, and its indexes' (those
// of the loaded entries, else those read back by ApplyStoredStats). Requires
// table.mu held.
store::DdbItemWrite TableStatsRow(const Table& table);

// The counts of `json` (a stats row's) on a table not loaded yet; malformed
// members leave their counts at 0. Requires table.mu held exclusively.
void ApplyStoredStats(Table& table, const std::string& json);

// An index's counts for DescribeTable: its live entries' once the table is
// loaded, else the stored ones (0 when none). Requires table.mu held.
IndexCounts IndexCountsOf(const Table& table, const std::string& index_name);

}  // namespace kmslab::ddb

#endif  // KMSLAB_DDB_TABLE_STATS_H_
