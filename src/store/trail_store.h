// TrailStore: the audit trail's own SQLite database, DATA/trail.db, apart
// from the state in kmslab.db so that the trail's volume never slows the
// state's durable commits. Append-only events in WAL mode with synchronous
// NORMAL (a power loss can lose the last batches, never corrupt the file) and
// 64 KiB pages, so that appending ~1 KiB events writes few pages. Prune()
// drops the oldest events; appends reuse their pages, and free pages beyond a
// working slack go back to the file system (incremental auto-vacuum, a bounded
// number per call; the WAL is truncated to 16 MiB after checkpoints).
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

  // Drops the oldest events: those stamped before `older_than_ms` (0: no age
  // rule), then, while the database's used pages exceed `max_bytes` (0: no size
  // rule), the oldest share of the rest that brings it to about 90% of
  // max_bytes (events are assumed to be of similar size). At most
  // `max_rows` are deleted per call, so one call never holds the trail long;
  // call again to continue. Then gives part of any surplus of free pages back
  // and checkpoints: over calls, the file shrinks to its events and a slack of
  // an eighth of max_bytes (without a size rule, a quarter of the events' and
  // 8 MiB at least; a database made before auto-vacuum is vacuumed once, here).
  // Returns how many events were deleted.
  core::StatusOr<int64_t> Prune(int64_t older_than_ms, int64_t max_bytes, int64_t max_rows = 20000);
  // The database file's size in bytes (pages in use and free), WAL excluded.
  core::StatusOr<int64_t> FileBytes();

 private:
  explicit TrailStore(sqlite3* db) : db_(db) {}
  core::Status Exec(const char* sql);
  core::Status Create(const std::string& state_path);
  core::StatusOr<int64_t> Pragma(const char* name);  // under mu_
  // The database's pages: all, free, and their size (under mu_).
  struct PageUse {
    int64_t pages = 0, free_pages = 0, page_size = 0;
    int64_t used_bytes() const { return (pages - free_pages) * page_size; }
  };
  core::StatusOr<PageUse> ReadPageUse();
  // Gives a bounded number of free pages beyond a working slack back to the
  // file system (under mu_); vacuums a database made before auto-vacuum.
  core::Status Shrink(int64_t max_bytes);

  std::mutex mu_;
  sqlite3* db_;
};

}  // namespace kmslab::store

#endif  // KMSLAB_STORE_TRAIL_STORE_H_
