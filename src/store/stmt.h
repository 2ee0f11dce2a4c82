// Stmt: one prepared SQLite statement, finalized on destruction; internal to
// store/. Not thread-safe: used under the store's connection lock.
#ifndef KMSLAB_STORE_STMT_H_
#define KMSLAB_STORE_STMT_H_

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace kmslab::store {

inline core::Status SqlError(sqlite3* db, const std::string& what) {
  return core::Internal(what + ": " + sqlite3_errmsg(db));
}

// Runs `sql` (one or more statements).
inline core::Status ExecSql(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string message = err ? err : "unknown error";
    sqlite3_free(err);
    return core::Internal(std::string("sqlite: ") + message);
  }
  return core::Status();
}

// Runs `body` (returning core::Status) inside BEGIN IMMEDIATE .. COMMIT,
// rolling back on error.
template <typename F>
core::Status InTransaction(sqlite3* db, F body) {
  RETURN_IF_ERROR(ExecSql(db, "BEGIN IMMEDIATE"));
  core::Status status = body();
  if (status.ok()) status = ExecSql(db, "COMMIT");
  if (!status.ok()) (void)ExecSql(db, "ROLLBACK");
  return status;
}

// Opens (creating if needed) the database at `path` for one connection that
// its owner serializes, waiting up to 5 s for other processes' locks. The file
// is made (or kept) mode 0600; SQLite gives its -wal and -shm files the same.
inline core::StatusOr<sqlite3*> OpenDatabase(const std::string& path) {
  if (int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600); fd >= 0) {
    (void)::fchmod(fd, 0600);
    ::close(fd);
  }
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return core::Status(core::Code::kUnavailable, "cannot open " + path + ": " + message);
  }
  sqlite3_busy_timeout(db, 5000);
  return db;
}

// One prepared statement; finalized on destruction.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) stmt_ = nullptr;
  }
  ~Stmt() { sqlite3_finalize(stmt_); }
  bool ok() const { return stmt_ != nullptr; }

  Stmt& Bind(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  // Binds without copying: `v` must outlive the next Step(). An empty view is
  // the empty string, never NULL.
  Stmt& BindView(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.empty() ? "" : v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    return *this;
  }
  Stmt& BindBlob(int i, const std::string& v) {
    sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& Bind(int i, int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  // Ready to bind and step again.
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step() { return sqlite3_step(stmt_); }
  core::Status Run() {
    if (!ok()) return SqlError(db_, "prepare");
    return Step() == SQLITE_DONE ? core::Status() : SqlError(db_, "step");
  }

  std::string Text(int col) {
    auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
  }
  int64_t Int(int col) { return sqlite3_column_int64(stmt_, col); }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};


}  // namespace kmslab::store

#endif  // KMSLAB_STORE_STMT_H_
