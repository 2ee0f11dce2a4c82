// The DynamoDB shim's streams in the store: one row per stream and its
// sealed records (written by the item writers' group commit, ddb_store.cc).
#include <sqlite3.h>

#include "store/stmt.h"
#include "store/store.h"

namespace kmslab::store {

core::Status Store::PutDdbStream(const DdbStreamRow& s) {
  std::lock_guard<std::mutex> lock(mu_);
  return InTransaction(db_, [&] {
    Stmt stmt(db_,
              "INSERT INTO ddb_streams (stream_arn, table_id, created_ms, meta) VALUES (?,?,?,?) "
              "ON CONFLICT(stream_arn) DO UPDATE SET meta = excluded.meta");
    stmt.Bind(1, s.stream_arn).Bind(2, s.table_id).Bind(3, s.created_ms).Bind(4, s.meta);
    return stmt.Run();
  });
}

core::Status Store::DeleteDdbStream(const std::string& stream_arn) {
  RETURN_IF_ERROR(FlushDdbWrites());
  std::lock_guard<std::mutex> lock(mu_);
  return InTransaction(db_, [&] {
    Stmt records(db_, "DELETE FROM ddb_stream_records WHERE stream_arn = ?");
    records.Bind(1, stream_arn);
    RETURN_IF_ERROR(records.Run());
    Stmt stream(db_, "DELETE FROM ddb_streams WHERE stream_arn = ?");
    stream.Bind(1, stream_arn);
    return stream.Run();
  });
}

core::StatusOr<std::vector<DdbStreamRow>> Store::LoadDdbStreams() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<DdbStreamRow> rows;
  Stmt stmt(db_, "SELECT stream_arn, table_id, created_ms, meta FROM ddb_streams ORDER BY created_ms");
  if (!stmt.ok()) return SqlError(db_, "load streams");
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW) rows.push_back({stmt.Text(0), stmt.Text(1), stmt.Int(2), stmt.Text(3)});
  if (rc != SQLITE_DONE) return SqlError(db_, "load streams");
  return rows;
}

core::StatusOr<std::vector<DdbStreamRecordRow>> Store::LoadDdbStreamRecords(const std::string& stream_arn) {
  RETURN_IF_ERROR(FlushDdbWrites());
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<DdbStreamRecordRow> rows;
  Stmt stmt(db_, "SELECT seq, created_ms, sealed FROM ddb_stream_records WHERE stream_arn = ? ORDER BY seq");
  if (!stmt.ok()) return SqlError(db_, "load stream records");
  stmt.Bind(1, stream_arn);
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW) rows.push_back({stmt.Int(0), stmt.Int(1), stmt.Text(2)});
  if (rc != SQLITE_DONE) return SqlError(db_, "load stream records");
  return rows;
}

core::StatusOr<int64_t> Store::MaxDdbStreamSeq() {
  RETURN_IF_ERROR(FlushDdbWrites());
  std::lock_guard<std::mutex> lock(mu_);
  Stmt stmt(db_, "SELECT COALESCE(MAX(seq), 0) FROM ddb_stream_records");
  if (!stmt.ok() || stmt.Step() != SQLITE_ROW) return SqlError(db_, "max stream sequence");
  return stmt.Int(0);
}

core::StatusOr<int64_t> Store::TrimDdbStreamRecords(const std::string& stream_arn, int64_t cutoff_ms,
                                                    int64_t* oldest_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t trimmed = 0;
  core::Status status = InTransaction(db_, [&] {
    Stmt max(db_, "SELECT COALESCE(MAX(seq), 0) FROM ddb_stream_records WHERE stream_arn = ? AND created_ms <= ?");
    max.Bind(1, stream_arn).Bind(2, cutoff_ms);
    if (!max.ok() || max.Step() != SQLITE_ROW) return SqlError(db_, "trim stream records");
    trimmed = max.Int(0);
    Stmt del(db_, "DELETE FROM ddb_stream_records WHERE stream_arn = ? AND created_ms <= ?");
    del.Bind(1, stream_arn).Bind(2, cutoff_ms);
    RETURN_IF_ERROR(del.Run());
    Stmt oldest(db_, "SELECT COALESCE(MIN(created_ms), 0) FROM ddb_stream_records WHERE stream_arn = ?");
    oldest.Bind(1, stream_arn);
    if (!oldest.ok() || oldest.Step() != SQLITE_ROW) return SqlError(db_, "trim stream records");
    *oldest_ms = oldest.Int(0);
    return core::Status();
  });
  if (!status.ok()) return status;
  return trimmed;
}

}  // namespace kmslab::store
