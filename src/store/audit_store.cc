// The store's audit trail, and emptying everything.
#include <sqlite3.h>

#include "store/stmt.h"
#include "store/store.h"

namespace kmslab::store {

core::Status Store::AppendAuditEvents(const std::vector<AuditEventRow>& events) {
  std::lock_guard<std::mutex> lock(mu_);
  return InTransaction([&] {
    Stmt stmt(db_,
              "INSERT INTO audit_events (event_time, request_id, event_name, principal, key_arn, error_code, "
              "decision, event_json) VALUES (?,?,?,?,?,?,?,?)");
    if (!stmt.ok()) return SqlError(db_, "prepare audit insert");
    for (const AuditEventRow& e : events) {
      stmt.Reset();
      stmt.Bind(1, e.event_time).Bind(2, e.request_id).Bind(3, e.event_name).Bind(4, e.principal);
      stmt.Bind(5, e.key_arn).Bind(6, e.error_code).Bind(7, e.decision).Bind(8, e.event_json);
      if (stmt.Step() != SQLITE_DONE) return SqlError(db_, "insert audit event");
    }
    return core::Status();
  });
}

core::StatusOr<std::vector<AuditEventRow>> Store::QueryAuditEvents(const AuditFilter& f) {
  std::string sql =
      "SELECT event_time, request_id, event_name, principal, key_arn, error_code, decision, event_json "
      "FROM audit_events WHERE 1";
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

core::Status Store::ResetAll() {
  RETURN_IF_ERROR(FlushDdbWrites());
  std::lock_guard<std::mutex> lock(mu_);
  return InTransaction([&] {
    return Exec(
        "DELETE FROM keys; DELETE FROM aliases; DELETE FROM grants; DELETE FROM ddb_items; DELETE FROM ddb_tables; "
        "DELETE FROM ddb_backups; DELETE FROM audit_events;");
  });
}

}  // namespace kmslab::store
