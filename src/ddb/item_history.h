// Point-in-time recovery's history. While PITR is enabled on a table, every
// item change (OnItemChanged) appends the item's row as it became, sealed as
// the item row is (under the table's data key, bound to the row id), in the
// commit of the item itself; enabling copies the items as they are then, and
// each key switch records the keys in force from then. A restore to time T
// takes, per item, the last row at or before T, and opens the data key with
// the keys in force at T (store/store.h, StartDdbHistory ...).
//
// Trimmed on the server clock to the recovery period (a trim row every
// kTrimEvery history rows), and bounded by store::kMaxDdbHistoryRows.
#ifndef KMSLAB_DDB_ITEM_HISTORY_H_
#define KMSLAB_DDB_ITEM_HISTORY_H_

#include <cstdint>
#include <vector>

#include "core/status.h"
#include "ddb/item_changes.h"
#include "ddb/table.h"
#include "store/records.h"

namespace kmslab::ddb {

class Service;

inline constexpr int64_t kDayMs = 24LL * 3600 * 1000;
// LatestRestorableDateTime trails the server clock by this much (reference §9).
inline constexpr int64_t kPitrLagMs = 5 * 60 * 1000;
inline constexpr int64_t kTrimEvery = 1024;

// The times a table with PITR `pitr` can be restored to at `now_ms`, when
// its history holds exactly only from `floor_ms` on (0: since enabled): from
// the latest of enabling, the recovery period's start and the floor, to
// kPitrLagMs ago (never before the start), in whole seconds (the start
// rounded up, the end down).
struct RestoreWindow {
  int64_t earliest_ms = 0, latest_ms = 0;
};
RestoreWindow PitrWindow(const PitrState& pitr, int64_t floor_ms, int64_t now_ms);

// OnItemChanged's call: with PITR enabled, appends the change's history row
// (and, every kTrimEvery rows, a trim row). Requires table.mu held exclusively.
void RecordItemChange(Table& table, const ItemChange& change, std::vector<store::DdbItemWrite>& rows);

// Turns PITR on at `now` with `period_days` (a table already on keeps its
// history and takes the new period), or off (the history is forgotten).
// Persists the table. Requires table.mu held exclusively.
core::Status EnableHistory(Service& s, Table& table, int64_t period_days, int64_t now);
core::Status DisableHistory(Service& s, Table& table);

// CompleteKeySwitch's call: with PITR enabled, the table's keys are in force
// from `now`. Requires table.mu held.
void RecordKeyChange(Service& s, const Table& table, int64_t now);

// The keys in force on the table at `at_ms` (within its restore window).
core::StatusOr<TableKeys> KeysAt(Service& s, const Table& table, int64_t at_ms);

// DeleteTable's call: a table with PITR enabled leaves the SYSTEM backup
// `<table>$DeletedTableBackup` of its items as they are. Requires table.mu
// held exclusively.
core::Status KeepDeletedTableBackup(Service& s, const Table& table, int64_t now);

}  // namespace kmslab::ddb

#endif  // KMSLAB_DDB_ITEM_HISTORY_H_
