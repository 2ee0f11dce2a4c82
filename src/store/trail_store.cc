#include "store/trail_store.h"

#include <sqlite3.h>

#include <algorithm>
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

// Without a size rule, Shrink() keeps at least this much free space for appends to reuse, and
// gives back at most kShrinkPagesPerPass pages a call, so a call stays short.
constexpr int64_t kShrinkMinSlackBytes = 8 * 1024 * 1024;
constexpr int64_t kShrinkPagesPerPass = 256;

constexpr const char* kColumns = "event_time, request_id, event_name, principal, key_arn, error_code, decision, event_json";

}  // namespace

core::StatusOr<std::unique_ptr<TrailStore>> TrailStore::Open(const std::string& path, const std::string& state_path) {
  ASSIGN_OR_RETURN(sqlite3* db, OpenDatabase(path));
  std::unique_ptr<TrailStore> trail(new TrailStore(db));
  // The page size and auto-vacuum take effect only for a new database, before
  // WAL mode and the first table.
  RETURN_IF_ERROR(trail->Exec(
      "PRAGMA page_size=65536; PRAGMA auto_vacuum=INCREMENTAL; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
      "PRAGMA wal_autocheckpoint=256; PRAGMA journal_size_limit=16777216;"));
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

core::StatusOr<int64_t> TrailStore::Pragma(const char* name) {
  Stmt stmt(db_, (std::string("PRAGMA ") + name).c_str());
  if (!stmt.ok() || stmt.Step() != SQLITE_ROW) return SqlError(db_, std::string("read ") + name);
  return stmt.Int(0);
}

core::StatusOr<TrailStore::PageUse> TrailStore::ReadPageUse() {
  PageUse use;
  ASSIGN_OR_RETURN(use.pages, Pragma("page_count"));
  ASSIGN_OR_RETURN(use.free_pages, Pragma("freelist_count"));
  ASSIGN_OR_RETURN(use.page_size, Pragma("page_size"));
  return use;
}

core::StatusOr<int64_t> TrailStore::FileBytes() {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(PageUse use, ReadPageUse());
  return use.pages * use.page_size;
}

core::StatusOr<int64_t> TrailStore::Prune(int64_t older_than_ms, int64_t max_bytes, int64_t max_rows) {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t first = 0, last = -1;
  {
    // Two subqueries, each one B-tree descent: min() and max() in one SELECT
    // would scan the whole table.
    Stmt range(db_,
               "SELECT coalesce((SELECT min(seq) FROM audit_events), 0), "
               "coalesce((SELECT max(seq) FROM audit_events), -1)");
    if (!range.ok() || range.Step() != SQLITE_ROW) return SqlError(db_, "read the trail's extent");
    first = range.Int(0);
    last = range.Int(1);
    if (last < first) return int64_t{0};  // empty
  }
  int64_t cut = first;  // events with seq < cut go
  if (older_than_ms > 0) {
    // seq follows time: the first event young enough ends the old ones.
    Stmt young(db_, "SELECT seq FROM audit_events WHERE event_time >= ? ORDER BY seq LIMIT 1");
    young.Bind(1, older_than_ms);
    const int rc = young.Step();
    if (rc == SQLITE_ROW) {
      cut = young.Int(0);
    } else if (rc == SQLITE_DONE) {
      cut = last + 1;
    } else {
      return SqlError(db_, "find the trail's old events");
    }
  }
  if (max_bytes > 0 && cut <= last) {
    ASSIGN_OR_RETURN(PageUse use, ReadPageUse());
    const int64_t used = use.used_bytes();
    if (used > max_bytes) {
      const double share = 1.0 - 0.9 * static_cast<double>(max_bytes) / static_cast<double>(used);
      cut = std::max(cut, first + static_cast<int64_t>(share * static_cast<double>(last - first + 1)) + 1);
      cut = std::min(cut, last + 1);
    }
  }
  cut = std::min(cut, first + max_rows);
  if (cut <= first) return int64_t{0};
  Stmt del(db_, "DELETE FROM audit_events WHERE seq < ?");
  del.Bind(1, cut);
  RETURN_IF_ERROR(del.Run());
  const int64_t deleted = sqlite3_changes64(db_);
  RETURN_IF_ERROR(Shrink(max_bytes));
  // The file shrinks when the WAL is copied back; do it now rather than 16 MiB later.
  RETURN_IF_ERROR(Exec("PRAGMA wal_checkpoint(PASSIVE)"));
  return deleted;
}

core::Status TrailStore::Shrink(int64_t max_bytes) {
  ASSIGN_OR_RETURN(int64_t auto_vacuum, Pragma("auto_vacuum"));
  // 2 = incremental; a database made before it had none until vacuumed.
  if (auto_vacuum != 2) return Exec("PRAGMA auto_vacuum=INCREMENTAL; VACUUM");
  ASSIGN_OR_RETURN(PageUse use, ReadPageUse());
  // Appends reuse free pages at no cost, while vacuuming moves the newest pages
  // into the holes, reading and rewriting as much as was deleted. So the file
  // keeps a working slack of free pages and gives back only a surplus: beyond
  // an eighth of the size rule (the size rule prunes the events to 90% of it,
  // so the file stays near it), or without one beyond a quarter of the events.
  const int64_t slack_bytes = max_bytes > 0 ? max_bytes / 8 : std::max(kShrinkMinSlackBytes, use.used_bytes() / 4);
  const int64_t surplus_pages = use.free_pages - slack_bytes / use.page_size;
  if (surplus_pages <= 0) return core::Status();
  const int64_t pass_pages = std::min(surplus_pages, kShrinkPagesPerPass);
  return Exec(("PRAGMA incremental_vacuum(" + std::to_string(pass_pages) + ")").c_str());
}

}  // namespace kmslab::store
