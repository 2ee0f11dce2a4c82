#include "ddb/item_history.h"

#include <doctest/doctest.h>

namespace kmslab::ddb {
namespace {

PitrState Enabled(int64_t at_ms, int64_t days = 35) {
  PitrState pitr;
  pitr.enabled = true;
  pitr.enabled_ms = at_ms;
  pitr.period_days = days;
  return pitr;
}

TEST_CASE("the restore window runs from enabling to five minutes ago, in whole seconds") {
  const int64_t enabled = 1'700'000'000'250;
  // Just enabled: a single point, the first whole second after enabling.
  RestoreWindow w = PitrWindow(Enabled(enabled), 0, enabled + 10);
  CHECK(w.earliest_ms == 1'700'000'001'000);
  CHECK(w.latest_ms == w.earliest_ms);
  // An hour on: the latest trails the clock by kPitrLagMs, rounded down.
  w = PitrWindow(Enabled(enabled), 0, enabled + 3'600'000);
  CHECK(w.earliest_ms == 1'700'000'001'000);
  CHECK(w.latest_ms == 1'700'000'000'000 + 3'600'000 - kPitrLagMs);
}

TEST_CASE("the restore window starts no earlier than the recovery period nor the history's floor") {
  const int64_t enabled = 1'000'000'000'000;
  const int64_t now = enabled + 40 * kDayMs + 500;
  RestoreWindow w = PitrWindow(Enabled(enabled, 7), 0, now);
  CHECK(w.earliest_ms == enabled + 33 * kDayMs + 1000);
  CHECK(w.latest_ms == enabled + 40 * kDayMs - kPitrLagMs);
  w = PitrWindow(Enabled(enabled, 35), now - 1000, now);  // history cut at its bound
  CHECK(w.earliest_ms == enabled + 40 * kDayMs);
  CHECK(w.latest_ms == w.earliest_ms);
}

}  // namespace
}  // namespace kmslab::ddb
