#include "core/clock.h"

#include <chrono>

namespace kmslab::core {

int64_t SystemClock::NowMillis() const {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::milliseconds>(now).count();
}

int64_t ServerClock::NowMillis() const { return SystemClock().NowMillis() + offset_millis_.load(); }

}  // namespace kmslab::core
