// Clock: the server's notion of "now", injected everywhere time matters
// (key deletion dates, rotation dates, caches), so tests and labs can move it.
// Implementations are thread-safe.
#ifndef KMSLAB_CORE_CLOCK_H_
#define KMSLAB_CORE_CLOCK_H_

#include <atomic>
#include <cstdint>

namespace kmslab::core {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch.
  virtual int64_t NowMillis() const = 0;
};

// Real time, never moved: what clients' clocks (and so signatures) follow.
class SystemClock : public Clock {
 public:
  int64_t NowMillis() const override;
};

// Real time plus an offset that only ever grows (AdvanceSeconds).
class ServerClock : public Clock {
 public:
  int64_t NowMillis() const override;
  // The last instant the server clock may be moved to: 9999-12-31T23:59:59.999Z
  // (timestamps are written with four-digit years; later ones would overflow).
  static constexpr int64_t kLatestMillis = 253402300799999;
  // Moves the clock `seconds` (0 or more) forward. The caller keeps
  // NowMillis() + seconds * 1000 at or below kLatestMillis.
  void AdvanceSeconds(int64_t seconds) { offset_millis_ += seconds * 1000; }
  // How far the clock is ahead of real time.
  int64_t OffsetMillis() const { return offset_millis_.load(); }

 private:
  std::atomic<int64_t> offset_millis_{0};
};

}  // namespace kmslab::core

#endif  // KMSLAB_CORE_CLOCK_H_
