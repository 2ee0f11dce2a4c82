#include "store/trail_store.h"

#include <sqlite3.h>

#include <filesystem>

#include "store/stmt.h"

namespace kmslab::store {

namespace {

// user_version of trail.db.
constexpr int kTrailSchemaVersion = 1;

constexpr const char* kTrailSchema = R"sql(
CREATE TABLE audit_events (
  seq         INTEGER PRIMARY KEY,
  event_time  INTEGER NOT NULL,
  request_id  TEXT NOT NULL,
  event_name  TEXT NOT NULL,
  principal   TEXT NOT NULL,
  key_arn     TEXT NOT NULL,
  error_code  TEXT NOT NULL,
  decision    TEXT NOT NULL,
  event_json  TEXT NOT NULL
);
)sql";

constexpr const char* kColumns = "event_time, request_id, event_name, principal, key_arn, error_code, decision, event_json";

}  // namespace

core::StatusOr<std::unique_ptr<TrailStore>> TrailStore::Open(const std::string& path, const std::string& state_path) {
  ASSIGN_OR_RETURN(sqlite3* db, OpenDatabase(path));
  std::unique_ptr<TrailStore> trail(new TrailStore(db));
  // The page size takes effect only for a new database, before WAL mode.
  RETURN_IF_ERROR(trail->Exec(
      "PRAGMA page_size=65536; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=256;"));
  int version;
  {
    Stmt stmt(db, "PRAGMA user_version");
    if (!stmt.ok() || stmt.Step() != SQLITE_ROW) return SqlError(db, "read trail schema version");
    version = static_cast<int>(stmt.Int(0));
  }
  if (version > kTrailSchemaVersion) {
    return core::FailedPrecondition("trail schema version " + std::to_string(version) + " is newer than this kmslab (" +
                                    std::to_string(kTrailSchemaVersion) + ")");
  }
  if (version == 0) RETURN_IF_ERROR(trail->Create(state_path));
  return trail;
}

TrailStore::~TrailStore() { sqlite3_close(db_); }

core::Status TrailStore::Exec(const char* sql) { return ExecSql(db_, sql); }

core::Status TrailStore::Create(const std::string& state_path) {
  // Before schema version 3, kmslab.db kept the trail: take its events over.
  bool attached = false;
  std::error_code ec;
  if (std::filesystem::exists(state_path, ec)) {
    Stmt attach(db_, "ATTACH DATABASE ? AS state");
    attach.Bind(1, state_path);
    RETURN_IF_ERROR(attach.Run());
    attached = true;
  }
  core::Status status = InTransaction(db_, [&]() -> core::Status {
    RETURN_IF_ERROR(Exec(kTrailSchema));
    if (attached) {
      Stmt legacy(db_, "SELECT 1 FROM state.sqlite_master WHERE type = 'table' AND name = 'audit_events'");
      if (legacy.ok() && legacy.Step() == SQLITE_ROW) {
        RETURN_IF_ERROR(Exec((std::string("INSERT INTO main.audit_events (") + kColumns + ") SELECT " + kColumns +
                             " FROM state.audit_events ORDER BY seq")
                                .c_str()));
      }
    }
    return Exec(("PRAGMA user_version=" + std::to_string(kTrailSchemaVersion)).c_str());
  });
  if (attached) RETURN_IF_ERROR(Exec("DETACH DATABASE state"));
  return status;
}

core::Status TrailStore::Append(const std::vector<AuditEventView>& events) {
  std::lock_guard<std::mutex> lock(mu_);
  return InTransaction(db_, [&] {
    Stmt stmt(db_, (std::string("INSERT INTO audit_events (") + kColumns + ") VALUES (?,?,?,?,?,?,?,?)").c_str());
    if (!stmt.ok()) return SqlError(db_, "prepare audit insert");
    for (const AuditEventView& e : events) {
      stmt.Reset();
      stmt.Bind(1, e.event_time).BindView(2, e.request_id).BindView(3, e.event_name).BindView(4, e.principal);
      stmt.BindView(5, e.key_arn).BindView(6, e.error_code).BindView(7, e.decision).BindView(8, e.event_json);
      if (stmt.Step() != SQLITE_DONE) return SqlError(db_, "insert audit event");
    }
    return core::Status();
  });
}

core::StatusOr<std::vector<AuditEventRow>> TrailStore::Query(const AuditFilter& f) {
  std::string sql = std::string("SELECT ") + kColumns + " FROM audit_events WHERE 1";
  std::vector<std::string> texts;
  auto text = [&](const char* clause, std::string value) {
    sql += clause;
    texts.push_back(std::move(value));
  };
  if (!f.principal.empty()) text(" AND instr(principal, ?) > 0", f.principal);
  if (!f.event_name.empty()) text(" AND event_name = ?", f.event_name);
  if (!f.key.empty()) text(" AND instr(key_arn, ?) > 0", f.key);
  if (f.error_code == "any") {
    sql += " AND error_code != ''";
  } else if (!f.error_code.empty()) {
    text(" AND error_code = ?", f.error_code);
  }
  if (!f.decision.empty()) text(" AND decision = ?", f.decision);
  if (!f.request_id.empty()) text(" AND request_id = ?", f.request_id);
  if (f.since_ms) sql += " AND event_time >= " + std::to_string(f.since_ms);
  if (f.until_ms) sql += " AND event_time <= " + std::to_string(f.until_ms);
  sql += " ORDER BY seq LIMIT " + std::to_string(f.limit > 0 ? f.limit : 1000);

  std::lock_guard<std::mutex> lock(mu_);
  Stmt stmt(db_, sql.c_str());
  if (!stmt.ok()) return SqlError(db_, "query audit events");
  for (size_t i = 0; i < texts.size(); ++i) stmt.Bind(static_cast<int>(i + 1), texts[i]);
  std::vector<AuditEventRow> rows;
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW) {
    rows.push_back({stmt.Int(0), stmt.Text(1), stmt.Text(2), stmt.Text(3), stmt.Text(4), stmt.Text(5), stmt.Text(6),
                    stmt.Text(7)});
  }
  if (rc != SQLITE_DONE) return SqlError(db_, "query audit events");
  return rows;
}

core::Status TrailStore::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  return Exec("DELETE FROM audit_events");
}

}  // namespace kmslab::store
