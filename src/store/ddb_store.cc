// The DynamoDB shim's part of the store: tables, sealed items, backups, and
// the group commit of item writes.
#include <sqlite3.h>

#include <unordered_map>

#include "store/stmt.h"
#include "store/store.h"

namespace kmslab::store {

core::Status Store::PutDdbTable(const DdbTableRow& t) {
  std::lock_guard<std::mutex> lock(mu_);
  return InTransaction(db_, [&] {
    Stmt stmt(db_,
              "INSERT INTO ddb_tables (table_id, account, region, name, created_ms, meta) VALUES (?,?,?,?,?,?) "
              "ON CONFLICT(table_id) DO UPDATE SET meta = excluded.meta");
    stmt.Bind(1, t.table_id).Bind(2, t.account).Bind(3, t.region).Bind(4, t.name).Bind(5, t.created_ms);
    stmt.Bind(6, t.meta);
    return stmt.Run();
  });
}

core::Status Store::DeleteDdbTable(const std::string& table_id) {
  RETURN_IF_ERROR(FlushDdbWrites());
  std::lock_guard<std::mutex> lock(mu_);
  return InTransaction(db_, [&] {
    Stmt items(db_, "DELETE FROM ddb_items WHERE table_id = ?");
    items.Bind(1, table_id);
    RETURN_IF_ERROR(items.Run());
    Stmt stats(db_, "DELETE FROM ddb_table_stats WHERE table_id = ?");
    stats.Bind(1, table_id);
    RETURN_IF_ERROR(stats.Run());
    Stmt table(db_, "DELETE FROM ddb_tables WHERE table_id = ?");
    table.Bind(1, table_id);
    return table.Run();
  });
}

core::StatusOr<std::map<std::string, std::string>> Store::LoadDdbTableStats() {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, std::string> stats;
  Stmt stmt(db_, "SELECT table_id, stats FROM ddb_table_stats");
  if (!stmt.ok()) return SqlError(db_, "load table stats");
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW) stats[stmt.Text(0)] = stmt.Text(1);
  if (rc != SQLITE_DONE) return SqlError(db_, "load table stats");
  return stats;
}

core::StatusOr<std::vector<DdbTableRow>> Store::LoadDdbTables() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<DdbTableRow> rows;
  Stmt stmt(db_, "SELECT table_id, account, region, name, created_ms, meta FROM ddb_tables ORDER BY created_ms");
  if (!stmt.ok()) return SqlError(db_, "load tables");
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW) {
    rows.push_back({stmt.Text(0), stmt.Text(1), stmt.Text(2), stmt.Text(3), stmt.Int(4), stmt.Text(5)});
  }
  if (rc != SQLITE_DONE) return SqlError(db_, "load tables");
  return rows;
}

core::StatusOr<std::vector<DdbItemRow>> Store::LoadDdbItems(const std::string& table_id) {
  RETURN_IF_ERROR(FlushDdbWrites());
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<DdbItemRow> rows;
  Stmt stmt(db_, "SELECT row_id, sealed FROM ddb_items WHERE table_id = ?");
  if (!stmt.ok()) return SqlError(db_, "load items");
  stmt.Bind(1, table_id);
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW) rows.push_back({stmt.Text(0), stmt.Text(1)});
  if (rc != SQLITE_DONE) return SqlError(db_, "load items");
  return rows;
}

uint64_t Store::EnqueueDdbItemWrite(DdbItemWrite write) {
  std::lock_guard<std::mutex> lock(queue_mu_);
  queue_.push_back(std::move(write));
  return ++enqueued_;
}

uint64_t Store::EnqueueDdbItemWrites(std::vector<DdbItemWrite> writes) {
  std::lock_guard<std::mutex> lock(queue_mu_);
  for (DdbItemWrite& write : writes) queue_.push_back(std::move(write));
  enqueued_ += writes.size();
  return enqueued_;
}

core::Status Store::AwaitDdbWrites(uint64_t ticket) {
  std::unique_lock<std::mutex> lock(queue_mu_);
  while (durable_ < ticket) {
    if (committing_) {
      queue_cv_.wait(lock);
      continue;
    }
    committing_ = true;
    std::vector<DdbItemWrite> batch;
    batch.swap(queue_);
    const uint64_t first = durable_ + 1, last = enqueued_;
    lock.unlock();
    core::Status status;
    {
      std::lock_guard<std::mutex> db_lock(mu_);
      status = InTransaction(db_, [&] {
        Stmt put(db_, "INSERT OR REPLACE INTO ddb_items (table_id, row_id, sealed) VALUES (?,?,?)");
        Stmt del(db_, "DELETE FROM ddb_items WHERE table_id = ? AND row_id = ?");
        Stmt record(db_, "INSERT OR REPLACE INTO ddb_stream_records (stream_arn, seq, created_ms, sealed) VALUES (?,?,?,?)");
        Stmt stats(db_,
                   "INSERT INTO ddb_table_stats (table_id, stats) SELECT ?1, ?2 "
                   "WHERE EXISTS (SELECT 1 FROM ddb_tables WHERE table_id = ?1) "
                   "ON CONFLICT(table_id) DO UPDATE SET stats = excluded.stats");
        if (!put.ok() || !del.ok() || !record.ok() || !stats.ok()) return SqlError(db_, "prepare item write");
        // Only each table's last stats row of the batch is written: it replaces the others.
        std::unordered_map<std::string, const DdbItemWrite*> last_stats;
        for (const DdbItemWrite& w : batch) {
          if (w.kind == DdbItemWrite::Kind::kTableStats) last_stats[w.table_id] = &w;
        }
        for (const DdbItemWrite& w : batch) {
          if (w.kind == DdbItemWrite::Kind::kTableStats) {
            if (last_stats[w.table_id] != &w) continue;
            stats.Reset();
            stats.Bind(1, w.table_id).Bind(2, w.sealed);
            if (stats.Step() != SQLITE_DONE) return SqlError(db_, "write table stats");
            continue;
          }
          if (w.kind == DdbItemWrite::Kind::kStreamRecord) {
            record.Reset();
            record.Bind(1, w.row_id).Bind(2, w.seq).Bind(3, w.at_ms).BindBlob(4, w.sealed);
            if (record.Step() != SQLITE_DONE) return SqlError(db_, "write stream record");
            continue;
          }
          if (w.kind == DdbItemWrite::Kind::kReplicaChange || w.kind == DdbItemWrite::Kind::kReplicaChangeDone) {
            RETURN_IF_ERROR(WriteDdbReplicaChangeRow(w));
            continue;
          }
          if (w.kind != DdbItemWrite::Kind::kItem) {
            RETURN_IF_ERROR(WriteDdbHistoryRow(w));
            continue;
          }
          Stmt& stmt = w.sealed.empty() ? del : put;
          stmt.Reset();
          stmt.Bind(1, w.table_id).Bind(2, w.row_id);
          if (!w.sealed.empty()) stmt.BindBlob(3, w.sealed);
          if (stmt.Step() != SQLITE_DONE) return SqlError(db_, "write item");
        }
        return core::Status();
      });
    }
    lock.lock();
    if (!status.ok()) {
      failed_from_ = first;
      failed_to_ = last;
      failed_status_ = status;
    }
    durable_ = last;
    committing_ = false;
    queue_cv_.notify_all();
  }
  if (ticket >= failed_from_ && ticket <= failed_to_) return failed_status_;
  return core::Status();
}

core::Status Store::FlushDdbWrites() {
  uint64_t ticket;
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    ticket = enqueued_;
  }
  return AwaitDdbWrites(ticket);
}

core::Status Store::CreateDdbBackup(const DdbBackupRow& b, const std::string& table_id) {
  RETURN_IF_ERROR(FlushDdbWrites());
  std::lock_guard<std::mutex> lock(mu_);
  return InTransaction(db_, [&] {
    Stmt row(db_,
             "INSERT INTO ddb_backups (backup_arn, account, region, table_name, created_ms, meta) "
             "VALUES (?,?,?,?,?,?)");
    row.Bind(1, b.backup_arn).Bind(2, b.account).Bind(3, b.region).Bind(4, b.table_name).Bind(5, b.created_ms);
    row.Bind(6, b.meta);
    RETURN_IF_ERROR(row.Run());
    Stmt copy(db_,
              "INSERT INTO ddb_backup_items (backup_arn, row_id, sealed) "
              "SELECT ?, row_id, sealed FROM ddb_items WHERE table_id = ?");
    copy.Bind(1, b.backup_arn).Bind(2, table_id);
    return copy.Run();
  });
}

core::Status Store::InsertDdbTable(const DdbTableRow& t) {
  Stmt row(db_, "INSERT INTO ddb_tables (table_id, account, region, name, created_ms, meta) VALUES (?,?,?,?,?,?)");
  row.Bind(1, t.table_id).Bind(2, t.account).Bind(3, t.region).Bind(4, t.name).Bind(5, t.created_ms);
  row.Bind(6, t.meta);
  return row.Run();
}

core::Status Store::RestoreDdbTable(const DdbTableRow& t, const std::string& backup_arn) {
  std::lock_guard<std::mutex> lock(mu_);
  return InTransaction(db_, [&] {
    RETURN_IF_ERROR(InsertDdbTable(t));
    Stmt copy(db_,
              "INSERT INTO ddb_items (table_id, row_id, sealed) "
              "SELECT ?, row_id, sealed FROM ddb_backup_items WHERE backup_arn = ?");
    copy.Bind(1, t.table_id).Bind(2, backup_arn);
    return copy.Run();
  });
}

core::Status Store::DeleteDdbBackup(const std::string& backup_arn) {
  std::lock_guard<std::mutex> lock(mu_);
  return InTransaction(db_, [&] {
    Stmt stmt(db_, "DELETE FROM ddb_backups WHERE backup_arn = ?");  // cascades to its items
    stmt.Bind(1, backup_arn);
    return stmt.Run();
  });
}

core::StatusOr<std::vector<DdbBackupRow>> Store::LoadDdbBackups() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<DdbBackupRow> rows;
  Stmt stmt(db_,
            "SELECT backup_arn, account, region, table_name, created_ms, meta FROM ddb_backups ORDER BY created_ms");
  if (!stmt.ok()) return SqlError(db_, "load backups");
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW) {
    rows.push_back({stmt.Text(0), stmt.Text(1), stmt.Text(2), stmt.Text(3), stmt.Int(4), stmt.Text(5)});
  }
  if (rc != SQLITE_DONE) return SqlError(db_, "load backups");
  return rows;
}

}  // namespace kmslab::store
