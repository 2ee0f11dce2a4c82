#include "audit/trail.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include <chrono>
#include <iostream>

#include "core/random.h"

namespace kmslab::audit {

namespace {
constexpr size_t kBatch = 512;  // wake the writer at this many queued events
// Appends wait while this many events are queued: memory stays bounded when
// requests outrun the writer, and so does what a kill -9 can lose.
constexpr size_t kMaxQueued = 65536;
constexpr auto kInterval = std::chrono::milliseconds(50);
// The writer applies the retention at most this often, deleting at most
// kPruneRowsPerPass events a pass (and passing again at once while a pass
// finds that many), so a pass is short: a long one would hold the writer
// while the queue, and the memory its events take, grows behind it.
constexpr int64_t kRetainEveryMs = 100;
constexpr int64_t kPruneRowsPerPass = 2000;

// The file's size and last write (epoch ms); false when it does not exist.
bool StatFile(const std::string& path, int64_t* size, int64_t* mtime_ms) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return false;
  *size = st.st_size;
  *mtime_ms = int64_t{st.st_mtim.tv_sec} * 1000 + st.st_mtim.tv_nsec / 1'000'000;
  return true;
}
}  // namespace

Trail::Trail(store::TrailStore* store, std::string jsonl_path, Retention retention, const core::Clock* clock)
    : store_(store),
      path_(std::move(jsonl_path)),
      retention_(retention),
      clock_(clock ? clock : &system_clock_),
      thread_([this] { Run(); }) {}

Trail::~Trail() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void Trail::Append(EventInput event) {
  std::unique_lock<std::mutex> lock(mu_);
  if (queue_.size() >= kMaxQueued) {
    wake_.notify_one();
    room_.wait(lock, [&] { return queue_.size() < kMaxQueued; });
  }
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
    std::lock_guard<std::mutex> io(io_mu_);
    int fd = ::open(path_.c_str(), O_WRONLY | O_TRUNC | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return core::Internal("cannot empty " + path_);
    ::close(fd);
    for (int n = 1; n <= kRotatedFiles; ++n) ::unlink(Rotated(n).c_str());
    live_since_ms_ = 0;
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
    room_.notify_all();
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
    if (!retention_.unlimited()) {
      const int64_t now = clock_->NowMillis();
      if (now - last_retained_ms_ >= kRetainEveryMs) {
        lock.unlock();
        core::StatusOr<int64_t> pruned = Prune(kPruneRowsPerPass);
        if (!pruned.ok()) std::cerr << "kmslab: trail retention: " << pruned.status().message() << "\n";
        // A full pass leaves more to prune: the next round passes again.
        if (!pruned.ok() || *pruned < kPruneRowsPerPass) last_retained_ms_ = now;
        lock.lock();
      }
    }
  }
}

core::Status Trail::ApplyRetention() {
  while (true) {
    ASSIGN_OR_RETURN(int64_t pruned, Prune(kPruneRowsPerPass));
    if (pruned < kPruneRowsPerPass) return core::Status();
  }
}

core::StatusOr<int64_t> Trail::Prune(int64_t max_rows) {
  if (retention_.unlimited()) return int64_t{0};
  const int64_t now = clock_->NowMillis();
  const int64_t cutoff = retention_.max_age_ms ? now - retention_.max_age_ms : 0;
  if (!path_.empty() && cutoff) {
    std::lock_guard<std::mutex> io(io_mu_);
    // A rotated file last written before the cutoff holds only expired events.
    for (int n = 1; n <= kRotatedFiles; ++n) {
      int64_t size, mtime;
      if (StatFile(Rotated(n), &size, &mtime) && mtime < cutoff) ::unlink(Rotated(n).c_str());
    }
  }
  if (!store_) return int64_t{0};
  return store_->Prune(cutoff, retention_.bytes_per_copy(), max_rows);
}

void Trail::Rotate() {
  ::unlink(Rotated(kRotatedFiles).c_str());
  for (int n = kRotatedFiles - 1; n >= 1; --n) ::rename(Rotated(n).c_str(), Rotated(n + 1).c_str());
  ::rename(path_.c_str(), Rotated(1).c_str());
  live_since_ms_ = 0;
}

void Trail::AppendToFile(const std::string& lines) {
  if (!retention_.unlimited()) {
    // A file holds one share of the size, or one slice of the age, whichever ends first.
    const int64_t file_bytes = retention_.bytes_per_copy() / (kRotatedFiles + 1);
    const int64_t slice_ms = retention_.max_age_ms / kRotatedFiles;
    int64_t size, mtime;
    const int64_t now = clock_->NowMillis();
    if (StatFile(path_, &size, &mtime) && size > 0 &&
        ((file_bytes && size + static_cast<int64_t>(lines.size()) > file_bytes) ||
         (slice_ms && live_since_ms_ && now - live_since_ms_ >= slice_ms))) {
      Rotate();
    }
    if (!live_since_ms_) live_since_ms_ = now;
  }
  int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0 || ::write(fd, lines.data(), lines.size()) != static_cast<ssize_t>(lines.size())) {
    std::cerr << "kmslab: cannot append to " << path_ << "\n";
  }
  if (fd >= 0) ::close(fd);
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
    std::lock_guard<std::mutex> io(io_mu_);
    AppendToFile(lines);
  }
  if (store_) {
    core::Status stored = store_->Append(rows);
    if (!stored.ok()) std::cerr << "kmslab: audit events not stored: " << stored.message() << "\n";
  }
}

}  // namespace kmslab::audit
