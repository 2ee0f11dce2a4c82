#include "ddb/item_history.h"

#include <algorithm>

#include "ddb/errors.h"
#include "ddb/restore.h"
#include "ddb/service.h"

namespace kmslab::ddb {

namespace {

// The keys as a key history row keeps them: wrapped, as in the table's meta.
std::string EncodeKeys(const Table& table) {
  TableState keys_only;
  keys_only.keys = table.state.keys;
  return EncodeTableMeta(table.definition, keys_only);
}

}  // namespace

RestoreWindow PitrWindow(const PitrState& pitr, int64_t floor_ms, int64_t now_ms) {
  // Whole seconds, as SDKs send RestoreDateTime (boto3 drops the milliseconds).
  auto floor_second = [](int64_t ms) { return ms >= 0 ? ms / 1000 * 1000 : -((-ms + 999) / 1000 * 1000); };
  RestoreWindow w;
  w.earliest_ms = -floor_second(-std::max({pitr.enabled_ms, now_ms - pitr.period_days * kDayMs, floor_ms}));
  w.latest_ms = std::max(w.earliest_ms, floor_second(now_ms - kPitrLagMs));
  return w;
}

void RecordItemChange(Table& table, const ItemChange& change, std::vector<store::DdbItemWrite>& rows) {
  PitrState& pitr = table.state.pitr;
  if (!pitr.enabled) return;
  const std::string row_id = Service::RowId(table, change.key.canonical);
  store::DdbItemWrite row{table.table_id, row_id, "", store::DdbItemWrite::Kind::kHistory, change.at_ms};
  // The item's own row, just appended for this change, is the row as it became.
  auto own = std::find_if(rows.rbegin(), rows.rend(), [&](const store::DdbItemWrite& w) {
    return w.kind == store::DdbItemWrite::Kind::kItem && w.table_id == table.table_id && w.row_id == row_id;
  });
  if (own != rows.rend()) {
    row.sealed = own->sealed;
  } else if (change.new_item) {
    auto sealed = Service::SealItem(table, row_id, *change.new_item);
    if (!sealed.ok()) return;  // cannot happen with the table's data key loaded
    row.sealed = std::move(sealed).value();
  }
  rows.push_back(std::move(row));
  if (++pitr.changes_since_trim >= kTrimEvery) {
    pitr.changes_since_trim = 0;
    rows.push_back({table.table_id, "", "", store::DdbItemWrite::Kind::kHistoryTrim,
                    change.at_ms - pitr.period_days * kDayMs});
  }
}

core::Status EnableHistory(Service& s, Table& table, int64_t period_days, int64_t now) {
  TableState next = table.state;
  next.pitr.period_days = period_days;
  if (!next.pitr.enabled) {
    next.pitr.enabled = true;
    next.pitr.enabled_ms = now;
    next.pitr.changes_since_trim = 0;
    RETURN_IF_ERROR(s.store().StartDdbHistory(table.table_id, now, EncodeKeys(table)));
  }
  std::swap(table.state, next);
  core::Status saved = s.SaveTable(table);
  if (!saved.ok()) std::swap(table.state, next);
  return saved;
}

core::Status DisableHistory(Service& s, Table& table) {
  if (!table.state.pitr.enabled) return core::Status();
  const PitrState before = table.state.pitr;
  table.state.pitr = PitrState{};
  if (core::Status saved = s.SaveTable(table); !saved.ok()) {
    table.state.pitr = before;
    return saved;
  }
  return s.store().StopDdbHistory(table.table_id);
}

void RecordKeyChange(Service& s, const Table& table, int64_t now) {
  if (!table.state.pitr.enabled) return;
  // Best effort, as the rest of the switch's bookkeeping: a store failure
  // leaves the restore to the previous keys, which then fails to open.
  (void)s.store().PutDdbKeyHistory(table.table_id, now, EncodeKeys(table));
}

core::StatusOr<TableKeys> KeysAt(Service& s, const Table& table, int64_t at_ms) {
  ASSIGN_OR_RETURN(std::string json, s.store().DdbKeysAt(table.table_id, at_ms));
  TableDefinition definition;
  TableState state;
  RETURN_IF_ERROR(DecodeTableMeta(json, &definition, &state));
  return state.keys;
}

core::Status KeepDeletedTableBackup(Service& s, const Table& table, int64_t now) {
  if (!table.state.pitr.enabled) return core::Status();
  return KeepBackup(s, table, table.name + "$DeletedTableBackup", BackupType::kSystem, now).status();
}

}  // namespace kmslab::ddb
