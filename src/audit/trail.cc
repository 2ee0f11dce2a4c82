#include "audit/trail.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iostream>

#include "core/random.h"

namespace kmslab::audit {

namespace {
constexpr size_t kBatch = 512;  // wake the writer at this many queued events
constexpr size_t kSlice = 256;  // events per store transaction
constexpr auto kInterval = std::chrono::milliseconds(50);
}  // namespace

Trail::Trail(store::Store* store, std::string jsonl_path)
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

void Trail::Clear() {
  Flush();
  if (!path_.empty()) {
    int fd = ::open(path_.c_str(), O_WRONLY | O_TRUNC | O_CREAT | O_CLOEXEC, 0600);
    if (fd >= 0) ::close(fd);
  }
}

void Trail::Run() {
  // Requests come first: the writer takes what CPU they leave.
  setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 10);
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    wake_.wait_for(lock, kInterval, [&] { return stopping_ || queue_.size() >= kBatch || done_ < appended_; });
    std::vector<EventInput> batch;
    batch.swap(queue_);
    const uint64_t upto = appended_;
    if (!batch.empty()) {
      lock.unlock();
      Write(batch);
      lock.lock();
    }
    done_ = upto;
    written_.notify_all();
    if (stopping_ && queue_.empty()) return;
  }
}

void Trail::Write(std::vector<EventInput>& batch) {
  // In slices, so that a backlog never holds the store (which item writes share) for long.
  for (size_t begin = 0; begin < batch.size(); begin += kSlice) {
    const size_t end = std::min(batch.size(), begin + kSlice);
    std::vector<store::AuditEventRow> rows;
    rows.reserve(end - begin);
    std::string lines;
    for (size_t i = begin; i < end; ++i) {
      EventInput& e = batch[i];
      e.event_id = core::NewUuid();
      std::string json = EventJson(e);
      lines += json;
      lines += '\n';
      rows.push_back({e.time_ms, e.request_id, e.event_name, PrincipalOf(e),
                      e.resources.empty() ? "" : e.resources.front().second, e.error_code, DecisionOf(e),
                      std::move(json)});
    }
    if (!path_.empty()) {
      int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
      if (fd < 0 || ::write(fd, lines.data(), lines.size()) != static_cast<ssize_t>(lines.size())) {
        std::cerr << "kmslab: cannot append to " << path_ << "\n";
      }
      if (fd >= 0) ::close(fd);
    }
    if (store_) {
      core::Status stored = store_->AppendAuditEvents(rows);
      if (!stored.ok()) std::cerr << "kmslab: audit events not stored: " << stored.message() << "\n";
    }
  }
}

}  // namespace kmslab::audit
