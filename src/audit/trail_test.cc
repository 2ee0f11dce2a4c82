#include "audit/trail.h"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "audit/retention.h"

namespace kmslab::audit {
namespace {

std::string TempDir() {
  char tmpl[] = "/tmp/kmslab-trail-test-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  return tmpl;
}

bool Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

int64_t SizeOf(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? st.st_size : -1;
}

class FakeClock : public core::Clock {
 public:
  int64_t NowMillis() const override { return now; }
  int64_t now = 1'800'000'000'000;
};

EventInput Event(int64_t time_ms, int n) {
  static const std::shared_ptr<const Actor> actor = [] {
    Actor a;
    a.identity_type = "IAMUser";
    a.arn = "arn:aws:iam::111122223333:user/alice";
    a.account = "111122223333";
    return ShareActor(std::move(a));
  }();
  EventInput e;
  e.actor = actor;
  e.region = "us-east-1";
  e.time_ms = time_ms;
  e.event_name = "Encrypt";
  e.request_id = "req-" + std::to_string(n) + std::string(200, 'x');
  return e;
}

TEST_CASE("retention parses ages, sizes, both and none") {
  auto both = ParseRetention("7d,512MB");
  REQUIRE(both.ok());
  CHECK(both->max_age_ms == 7 * 86'400'000LL);
  CHECK(both->max_bytes == 512LL * 1024 * 1024);
  CHECK(both->bytes_per_copy() == 256LL * 1024 * 1024);
  auto size_first = ParseRetention("2gb,12h");
  REQUIRE(size_first.ok());
  CHECK(size_first->max_age_ms == 12 * 3'600'000LL);
  CHECK(size_first->max_bytes == 2LL * 1024 * 1024 * 1024);
  auto age = ParseRetention("90s");
  REQUIRE(age.ok());
  CHECK((age->max_age_ms == 90'000 && age->max_bytes == 0));
  CHECK(ParseRetention("none")->unlimited());
  CHECK(ParseRetention(kDefaultRetention).ok());
  for (const char* bad : {"", "7", "d", "7w", "0d", "7d,", ",7d", "7d,8d", "1MB,2MB", "-1d", "10KB",
                          "99999999999999999999GB", "none,7d"}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseRetention(bad).ok());
  }
}

TEST_CASE("the trail rotates trail.jsonl by size and keeps a bounded number of files") {
  const std::string dir = TempDir(), path = dir + "/trail.jsonl";
  Retention r{.max_bytes = 2 * 5 * 16384};  // 16 KiB per file (a batch of 8 is ~6.6 KiB)
  FakeClock clock;
  {
    Trail trail(nullptr, path, r, &clock);
    for (int i = 0; i < 400; ++i) {
      trail.Append(Event(clock.now, i));
      if (i % 8 == 7) trail.Flush();  // batches of 8 events, ~2.5 KiB
    }
  }
  for (int n = 1; n <= kRotatedFiles; ++n) {
    CAPTURE(n);
    CHECK(Exists(path + "." + std::to_string(n)));
    CHECK(SizeOf(path + "." + std::to_string(n)) <= 16384);
  }
  CHECK(SizeOf(path) <= 16384);
  CHECK_FALSE(Exists(path + "." + std::to_string(kRotatedFiles + 1)));
  // The newest events are in the live file, the oldest kept in the last rotated one.
  std::ifstream live(path);
  std::string line, last;
  while (std::getline(live, line)) last = line;
  CHECK(last.find("req-399x") != std::string::npos);
}

TEST_CASE("the trail deletes rotated files older than the age and rotates by time") {
  const std::string dir = TempDir(), path = dir + "/trail.jsonl";
  Retention r{.max_age_ms = 4 * 3'600'000};  // 4 h: a file per hour
  FakeClock clock;
  struct timeval now;
  gettimeofday(&now, nullptr);
  clock.now = int64_t{now.tv_sec} * 1000;
  Trail trail(nullptr, path, r, &clock);
  trail.Append(Event(clock.now, 1));
  trail.Flush();
  clock.now += 3'600'000;  // an hour later the next write starts a new file
  trail.Append(Event(clock.now, 2));
  trail.Flush();
  REQUIRE(Exists(path + ".1"));
  CHECK(SizeOf(path) > 0);
  // The rotated file was last written "now" by the real clock; five hours on it has expired.
  REQUIRE(trail.ApplyRetention().ok());
  CHECK(Exists(path + ".1"));
  clock.now += 5 * 3'600'000;
  REQUIRE(trail.ApplyRetention().ok());
  CHECK_FALSE(Exists(path + ".1"));
  CHECK(Exists(path));
}

TEST_CASE("the trail prunes its store by age and by size") {
  const std::string dir = TempDir();
  auto store = store::TrailStore::Open(dir + "/trail.db", dir + "/kmslab.db");
  REQUIRE(store.ok());
  FakeClock clock;
  Retention r{.max_age_ms = 3'600'000};
  Trail trail(store->get(), dir + "/trail.jsonl", r, &clock);
  for (int i = 0; i < 10; ++i) trail.Append(Event(clock.now - 2 * 3'600'000 + i, i));  // two hours old
  for (int i = 10; i < 15; ++i) trail.Append(Event(clock.now - 60'000, i));             // a minute old
  trail.Flush();
  REQUIRE(trail.ApplyRetention().ok());
  auto rows = (*store)->Query({});
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 5);
  CHECK((*rows)[0].request_id.starts_with("req-10x"));
}

TEST_CASE("Clear removes the rotated files too") {
  const std::string dir = TempDir(), path = dir + "/trail.jsonl";
  FakeClock clock;
  Trail trail(nullptr, path, Retention{.max_bytes = 2 * 5 * 1024}, &clock);
  for (int i = 0; i < 40; ++i) {
    trail.Append(Event(clock.now, i));
    trail.Flush();
  }
  REQUIRE(Exists(path + ".1"));
  REQUIRE(trail.Clear().ok());
  CHECK(SizeOf(path) == 0);
  for (int n = 1; n <= kRotatedFiles; ++n) CHECK_FALSE(Exists(path + "." + std::to_string(n)));
}

TEST_CASE("trail files are private") {
  const std::string dir = TempDir(), path = dir + "/trail.jsonl";
  {
    Trail trail(nullptr, path);
    trail.Append(Event(1, 1));
  }
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

}  // namespace
}  // namespace kmslab::audit
