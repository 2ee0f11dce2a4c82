#include "audit/trail.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <iostream>

#include "core/random.h"

namespace kmslab::audit {

namespace {
constexpr size_t kBatch = 512;  // wake the writer at this many queued events
constexpr auto kInterval = std::chrono::milliseconds(50);
}  // namespace

Trail::Trail(store::TrailStore* store, std::string jsonl_path)
    : store_(store), path_(std::move(jsonl_path)), thread_([this] { Run(); }) {}

Trail::~Trail() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void Trail::Append(EventInput event) {
  std::lock_guard<std::mutex> lock(mu_);
  queue_.push_back(std::move(event));
  ++appended_;
  if (queue_.size() >= kBatch) wake_.notify_one();
}

void Trail::Flush() {
  std::unique_lock<std::mutex> lock(mu_);
  const uint64_t target = appended_;
  wake_.notify_one();
  written_.wait(lock, [&] { return done_ >= target; });
}

core::Status Trail::Clear() {
  Flush();
  if (!path_.empty()) {
    int fd = ::open(path_.c_str(), O_WRONLY | O_TRUNC | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return core::Internal("cannot empty " + path_);
    ::close(fd);
  }
  return store_ ? store_->Clear() : core::Status();
}

void Trail::Run() {
  // The writer keeps the requests' priority: at a lower one, preempted while
  // holding mu_, it would hold up every Append behind it.
  // Two vectors trade places, so that neither is reallocated once grown.
  std::vector<EventInput> batch;
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    wake_.wait_for(lock, kInterval, [&] { return stopping_ || queue_.size() >= kBatch || done_ < appended_; });
    batch.swap(queue_);
    const uint64_t upto = appended_;
    if (!batch.empty()) {
      lock.unlock();
      Write(batch);
      batch.clear();  // frees the events outside the lock
      lock.lock();
    }
    done_ = upto;
    written_.notify_all();
    if (stopping_ && queue_.empty()) return;
  }
}

void Trail::Write(std::vector<EventInput>& batch) {
  // Every event rendered into one buffer, one line each; the rows view it and the batch.
  std::string& lines = lines_;
  std::vector<size_t> ends;
  lines.clear();
  for (EventInput& e : batch) {
    e.event_id = core::NewUuid();
    AppendEventJson(e, lines);
    ends.push_back(lines.size());
    lines.push_back('\n');
  }
  std::vector<store::AuditEventView>& rows = rows_;
  rows.clear();
  size_t begin = 0;
  for (size_t i = 0; i < batch.size(); ++i) {
    const EventInput& e = batch[i];
    rows.push_back({e.time_ms, e.request_id, e.event_name, PrincipalOf(e),
                    e.resources.empty() ? std::string_view() : std::string_view(e.resources.front().second),
                    e.error_code, DecisionOf(e), std::string_view(lines).substr(begin, ends[i] - begin)});
    begin = ends[i] + 1;
  }
  if (!path_.empty()) {
    int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0 || ::write(fd, lines.data(), lines.size()) != static_cast<ssize_t>(lines.size())) {
      std::cerr << "kmslab: cannot append to " << path_ << "\n";
    }
    if (fd >= 0) ::close(fd);
  }
  if (store_) {
    core::Status stored = store_->Append(rows);
    if (!stored.ok()) std::cerr << "kmslab: audit events not stored: " << stored.message() << "\n";
  }
}

}  // namespace kmslab::audit
