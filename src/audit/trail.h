// Trail: the audit trail's writer. Append() only queues (the request path
// never waits for the disk); a background thread renders queued events and
// writes each batch to DATA/trail.jsonl and to the store's audit_events in one
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
#include "store/store.h"

namespace kmslab::audit {

class Trail {
 public:
  // `jsonl_path` empty: the store only.
  Trail(store::Store* store, std::string jsonl_path);
  ~Trail();  // writes what is queued, then stops
  Trail(const Trail&) = delete;
  Trail& operator=(const Trail&) = delete;

  void Append(EventInput event);
  void Flush();
  // Empties DATA/trail.jsonl (the store is emptied by the caller). Requires no
  // concurrent Append.
  void Clear();

 private:
  void Run();
  void Write(std::vector<EventInput>& batch);

  store::Store* store_;
  const std::string path_;
  std::mutex mu_;
  std::condition_variable wake_, written_;
  std::vector<EventInput> queue_;
  uint64_t appended_ = 0, done_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace kmslab::audit

#endif  // KMSLAB_AUDIT_TRAIL_H_
