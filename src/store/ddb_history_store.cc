// The point-in-time history of DynamoDB items (ddb/item_history.h): history
// rows written in the item writers' commit, the key history, and the reads a
// restore needs. Rows are the item rows as they were (sealed under the
// table's data key); the store never sees an item in clear.
#include <sqlite3.h>

#include "store/stmt.h"
#include "store/store.h"

namespace kmslab::store {

namespace {

// Drops every history row of `table_id` that a restore at or after `cutoff_ms`
// cannot need: rows superseded by a later row at or before the cutoff, then
// deletions at or before it (nothing older remains for them to hide).
core::Status CompactHistory(sqlite3* db, const std::string& table_id, int64_t cutoff_ms) {
  Stmt superseded(db,
                  "DELETE FROM ddb_item_history WHERE table_id = ?1 AND at_ms <= ?2 AND EXISTS (SELECT 1 FROM "
                  "ddb_item_history n WHERE n.table_id = ?1 AND n.row_id = ddb_item_history.row_id AND "
                  "n.at_ms <= ?2 AND n.seq > ddb_item_history.seq)");
  superseded.Bind(1, table_id).Bind(2, cutoff_ms);
  RETURN_IF_ERROR(superseded.Run());
  Stmt deletions(db, "DELETE FROM ddb_item_history WHERE table_id = ? AND at_ms <= ? AND length(sealed) = 0");
  deletions.Bind(1, table_id).Bind(2, cutoff_ms);
  return deletions.Run();
}

core::Status ForgetHistory(sqlite3* db, const std::string& table_id) {
  for (const char* sql : {"DELETE FROM ddb_item_history WHERE table_id = ?", "DELETE FROM ddb_key_history WHERE table_id = ?",
                          "DELETE FROM ddb_history_floor WHERE table_id = ?"}) {
    Stmt stmt(db, sql);
    stmt.Bind(1, table_id);
    RETURN_IF_ERROR(stmt.Run());
  }
  return core::Status();
}

}  // namespace

core::Status Store::WriteDdbHistoryRow(const DdbItemWrite& w) {
  if (w.kind == DdbItemWrite::Kind::kHistory) {
    Stmt put(db_, "INSERT INTO ddb_item_history (table_id, at_ms, row_id, sealed) VALUES (?,?,?,?)");
    put.Bind(1, w.table_id).Bind(2, w.at_ms).Bind(3, w.row_id).BindBlob(4, w.sealed);
    return put.Run();
  }
  RETURN_IF_ERROR(CompactHistory(db_, w.table_id, w.at_ms));
  // The bound: past kMaxDdbHistoryRows rows, cut at the oldest row that must go.
  Stmt excess(db_, "SELECT at_ms FROM ddb_item_history WHERE table_id = ? ORDER BY seq DESC LIMIT 1 OFFSET ?");
  excess.Bind(1, w.table_id).Bind(2, kMaxDdbHistoryRows);
  const int rc = excess.Step();
  if (rc == SQLITE_DONE) return core::Status();
  if (rc != SQLITE_ROW) return SqlError(db_, "count history");
  const int64_t floor_ms = excess.Int(0) + 1;
  RETURN_IF_ERROR(CompactHistory(db_, w.table_id, floor_ms));
  Stmt floor(db_,
             "INSERT INTO ddb_history_floor (table_id, floor_ms) VALUES (?,?) "
             "ON CONFLICT(table_id) DO UPDATE SET floor_ms = MAX(floor_ms, excluded.floor_ms)");
  floor.Bind(1, w.table_id).Bind(2, floor_ms);
  return floor.Run();
}

core::Status Store::StartDdbHistory(const std::string& table_id, int64_t at_ms, const std::string& keys) {
  RETURN_IF_ERROR(FlushDdbWrites());
  std::lock_guard<std::mutex> lock(mu_);
  return InTransaction(db_, [&] {
    RETURN_IF_ERROR(ForgetHistory(db_, table_id));
    Stmt copy(db_,
              "INSERT INTO ddb_item_history (table_id, at_ms, row_id, sealed) "
              "SELECT table_id, ?, row_id, sealed FROM ddb_items WHERE table_id = ?");
    copy.Bind(1, at_ms).Bind(2, table_id);
    RETURN_IF_ERROR(copy.Run());
    Stmt key(db_, "INSERT INTO ddb_key_history (table_id, from_ms, keys) VALUES (?,?,?)");
    key.Bind(1, table_id).Bind(2, at_ms).Bind(3, keys);
    return key.Run();
  });
}

core::Status Store::StopDdbHistory(const std::string& table_id) {
  RETURN_IF_ERROR(FlushDdbWrites());
  std::lock_guard<std::mutex> lock(mu_);
  return InTransaction(db_, [&] { return ForgetHistory(db_, table_id); });
}

core::Status Store::PutDdbKeyHistory(const std::string& table_id, int64_t from_ms, const std::string& keys) {
  std::lock_guard<std::mutex> lock(mu_);
  return InTransaction(db_, [&] {
    Stmt key(db_, "INSERT OR REPLACE INTO ddb_key_history (table_id, from_ms, keys) VALUES (?,?,?)");
    key.Bind(1, table_id).Bind(2, from_ms).Bind(3, keys);
    return key.Run();
  });
}

core::StatusOr<std::string> Store::DdbKeysAt(const std::string& table_id, int64_t at_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt stmt(db_, "SELECT keys FROM ddb_key_history WHERE table_id = ? AND from_ms <= ? ORDER BY from_ms DESC LIMIT 1");
  stmt.Bind(1, table_id).Bind(2, at_ms);
  const int rc = stmt.Step();
  if (rc == SQLITE_ROW) return stmt.Text(0);
  if (rc != SQLITE_DONE) return SqlError(db_, "read key history");
  return core::NotFound("no keys recorded for that time");
}

core::StatusOr<int64_t> Store::DdbHistoryFloor(const std::string& table_id) {
  RETURN_IF_ERROR(FlushDdbWrites());
  std::lock_guard<std::mutex> lock(mu_);
  Stmt stmt(db_, "SELECT floor_ms FROM ddb_history_floor WHERE table_id = ?");
  stmt.Bind(1, table_id);
  const int rc = stmt.Step();
  if (rc == SQLITE_ROW) return stmt.Int(0);
  if (rc != SQLITE_DONE) return SqlError(db_, "read history floor");
  return int64_t{0};
}

core::StatusOr<std::vector<DdbItemRow>> Store::LoadDdbItemsAt(const std::string& table_id, int64_t at_ms) {
  RETURN_IF_ERROR(FlushDdbWrites());
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<DdbItemRow> rows;
  Stmt stmt(db_,
            "SELECT row_id, sealed FROM ddb_item_history WHERE seq IN (SELECT MAX(seq) FROM ddb_item_history "
            "WHERE table_id = ?1 AND at_ms <= ?2 GROUP BY row_id) AND length(sealed) > 0");
  if (!stmt.ok()) return SqlError(db_, "load history");
  stmt.Bind(1, table_id).Bind(2, at_ms);
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW) rows.push_back({stmt.Text(0), stmt.Text(1)});
  if (rc != SQLITE_DONE) return SqlError(db_, "load history");
  return rows;
}

core::Status Store::CreateDdbTableWithItems(const DdbTableRow& t, const std::vector<DdbItemRow>& items) {
  std::lock_guard<std::mutex> lock(mu_);
  return InTransaction(db_, [&] {
    RETURN_IF_ERROR(InsertDdbTable(t));
    Stmt put(db_, "INSERT INTO ddb_items (table_id, row_id, sealed) VALUES (?,?,?)");
    if (!put.ok()) return SqlError(db_, "prepare restore");
    for (const DdbItemRow& item : items) {
      put.Reset();
      put.Bind(1, t.table_id).Bind(2, item.row_id).BindBlob(3, item.sealed);
      if (put.Step() != SQLITE_DONE) return SqlError(db_, "restore item");
    }
    return core::Status();
  });
}

}  // namespace kmslab::store
