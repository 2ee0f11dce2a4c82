// Trail: the audit trail's writer. Append() only queues (the request path
// never waits for the disk); a background thread renders queued events and
// writes each batch to DATA/trail.jsonl and to the trail store in one
// transaction. Flush() waits until everything appended so far is written.
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
#include "store/trail_store.h"

namespace kmslab::audit {

class Trail {
 public:
  // `jsonl_path` empty: the store only.
  Trail(store::TrailStore* store, std::string jsonl_path);
  ~Trail();  // writes what is queued, then stops
  Trail(const Trail&) = delete;
  Trail& operator=(const Trail&) = delete;

  void Append(EventInput event);
  void Flush();
  // Empties DATA/trail.jsonl and the store. Requires no concurrent Append.
  core::Status Clear();

 private:
  void Run();
  void Write(std::vector<EventInput>& batch);  // writer thread only

  store::TrailStore* store_;
  const std::string path_;
  std::mutex mu_;
  std::condition_variable wake_, written_;
  std::vector<EventInput> queue_;
  uint64_t appended_ = 0, done_ = 0;
  bool stopping_ = false;
  // The writer's buffers, kept between batches.
  std::string lines_;
  std::vector<store::AuditEventView> rows_;
  std::thread thread_;  // last: starts once the members above exist
};

}  // namespace kmslab::audit

#endif  // KMSLAB_AUDIT_TRAIL_H_
