// Global tables' replica changes in the store (ddb/replication.h): a change
// is written in the same commit as the item it follows and removed in the
// commit that applied it to its replica, so an acknowledged write reaches
// its replicas across a restart. The store never sees an item in clear.
#include <sqlite3.h>

#include "store/stmt.h"
#include "store/store.h"

namespace kmslab::store {

core::Status Store::WriteDdbReplicaChangeRow(const DdbItemWrite& w) {
  if (w.kind == DdbItemWrite::Kind::kReplicaChangeDone) {
    Stmt done(db_, "DELETE FROM ddb_replica_changes WHERE seq = ?");
    done.Bind(1, w.seq);
    return done.Run();
  }
  Stmt put(db_, "INSERT OR REPLACE INTO ddb_replica_changes (seq, table_id, target_region, due_ms, sealed) "
                "VALUES (?,?,?,?,?)");
  put.Bind(1, w.seq).Bind(2, w.table_id).Bind(3, w.row_id).Bind(4, w.at_ms).BindBlob(5, w.sealed);
  return put.Run();
}

core::StatusOr<std::vector<DdbReplicaChangeRow>> Store::LoadDdbReplicaChanges() {
  RETURN_IF_ERROR(FlushDdbWrites());
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<DdbReplicaChangeRow> rows;
  Stmt stmt(db_, "SELECT seq, table_id, target_region, due_ms, sealed FROM ddb_replica_changes ORDER BY seq");
  if (!stmt.ok()) return SqlError(db_, "load replica changes");
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW) {
    rows.push_back({stmt.Int(0), stmt.Text(1), stmt.Text(2), stmt.Int(3), stmt.Text(4)});
  }
  if (rc != SQLITE_DONE) return SqlError(db_, "load replica changes");
  return rows;
}

}  // namespace kmslab::store
