// TrailStore: the audit trail's own SQLite database, DATA/trail.db, apart
// from the state in kmslab.db so that the trail's volume never slows the
// state's durable commits. Append-only events in WAL mode with synchronous
// NORMAL (a power loss can lose the last batches, never corrupt the file) and
// 64 KiB pages, so that appending ~1 KiB events writes few pages.
// docs/storage-schema.md describes it. Thread-safe: calls are serialized.
#ifndef KMSLAB_STORE_TRAIL_STORE_H_
#define KMSLAB_STORE_TRAIL_STORE_H_

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/records.h"

struct sqlite3;

namespace kmslab::store {

class TrailStore {
 public:
  // Opens (creating if needed) the trail at `path`. A database created here
  // takes over the events that kmslab.db at `state_path` kept before schema
  // version 3, if any; so open the trail before the state (Store::Open
  // version 3 drops them there).
  static core::StatusOr<std::unique_ptr<TrailStore>> Open(const std::string& path, const std::string& state_path);
  ~TrailStore();
  TrailStore(const TrailStore&) = delete;
  TrailStore& operator=(const TrailStore&) = delete;

  // Appends `events` in order, in one transaction.
  core::Status Append(const std::vector<AuditEventView>& events);
  // Matching events, oldest first, at most filter.limit. Only the order is
  // indexed: a search reads the whole trail.
  core::StatusOr<std::vector<AuditEventRow>> Query(const AuditFilter& filter);
  // Removes every event.
  core::Status Clear();

 private:
  explicit TrailStore(sqlite3* db) : db_(db) {}
  core::Status Exec(const char* sql);
  core::Status Create(const std::string& state_path);

  std::mutex mu_;
  sqlite3* db_;
};

}  // namespace kmslab::store

#endif  // KMSLAB_STORE_TRAIL_STORE_H_
