// Trail: the audit trail's writer. Append() only queues (the request path
// never waits for the disk); a background thread renders queued events and
// writes each batch to DATA/trail.jsonl and to the trail store in one
// transaction, at least every 50 ms, sooner once 512 events wait. Flush()
// waits until everything appended so far is written.
//
// What a crash loses: an event is durable against a kill -9 once its batch is
// written (write(2) to trail.jsonl, then a WAL commit to trail.db; both sit in
// the kernel, so only a power loss can still take them). So a kill -9 loses
// exactly the events not yet written: those still queued (appended, and so
// possibly acknowledged, since the writer last took the queue) plus the batch
// being written at that moment (which may reach trail.jsonl but not trail.db).
// While the writer keeps up that is the last ~50 ms of requests plus one
// batch's write time: measured 0-17 events at ~250 requests/s (max age 47 ms,
// tests/e2e/test_crash_consistency.py). Under a load the writer cannot match
// (Encrypt at ~20,000 requests/s, c=32, 2 cores) it falls behind: a kill lost
// 19,000-24,000 events, the last 0.7-1.5 s. The queue holds at most 65,536
// events; past that Append() waits for the writer, so memory and the loss
// stay bounded however long the overload lasts.
//
// Retention (audit/retention.h): the writer thread rotates trail.jsonl (to
// trail.jsonl.1 .. .<kRotatedFiles>) when it would outgrow its share, or when
// it has collected max_age / kRotatedFiles of history, deletes rotated files
// whose last write is older than max_age, and at most once a second prunes the
// trail store by the same rule, so requests never wait on it.
// Thread-safe.
#ifndef KMSLAB_AUDIT_TRAIL_H_
#define KMSLAB_AUDIT_TRAIL_H_

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "audit/event.h"
#include "audit/retention.h"
#include "core/clock.h"
#include "store/trail_store.h"

namespace kmslab::audit {

class Trail {
 public:
  // `jsonl_path` empty: the store only. `clock` (real time; nullptr: the
  // system's) dates retention; it must outlive the trail.
  Trail(store::TrailStore* store, std::string jsonl_path, Retention retention = {},
        const core::Clock* clock = nullptr);
  ~Trail();  // writes what is queued, then stops
  Trail(const Trail&) = delete;
  Trail& operator=(const Trail&) = delete;

  void Append(EventInput event);
  void Flush();
  // Applies the retention now, wholly (the writer does it in short passes
  // as it goes): deletes expired rotated files and prunes the store. Safe
  // from any thread.
  core::Status ApplyRetention();
  // Empties DATA/trail.jsonl (and removes its rotated files) and the store.
  // Requires no concurrent Append.
  core::Status Clear();

 private:
  // One retention pass: expired rotated files, then at most `max_rows` events
  // out of the store. Answers how many events it deleted.
  core::StatusOr<int64_t> Prune(int64_t max_rows);
  void Run();
  void Write(std::vector<EventInput>& batch);  // writer thread only
  void AppendToFile(const std::string& lines);  // under io_mu_
  void Rotate();                                // under io_mu_
  std::string Rotated(int n) const { return path_ + "." + std::to_string(n); }

  store::TrailStore* store_;
  const std::string path_;
  const Retention retention_;
  const core::SystemClock system_clock_;
  const core::Clock* clock_;
  std::mutex mu_;
  std::condition_variable wake_, written_;
  std::condition_variable room_;  // the queue has dropped below its cap
  std::vector<EventInput> queue_;
  uint64_t appended_ = 0, done_ = 0;
  bool stopping_ = false;
  // The writer's buffers, kept between batches.
  std::string lines_;
  std::vector<store::AuditEventView> rows_;
  // The files: the writer appends and rotates, ApplyRetention deletes.
  std::mutex io_mu_;
  int64_t live_since_ms_ = 0;    // first write into trail.jsonl by this process (0: none yet)
  int64_t last_retained_ms_ = 0;  // writer thread only
  std::thread thread_;  // last: starts once the members above exist
};

}  // namespace kmslab::audit

#endif  // KMSLAB_AUDIT_TRAIL_H_
