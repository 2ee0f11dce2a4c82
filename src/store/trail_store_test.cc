#include "store/trail_store.h"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <sys/stat.h>

#include <cstdlib>

#include "store/migrations.h"
#include "store/store.h"
#include "store/test_temp_dir.h"

namespace kmslab::store {
namespace {

AuditEventView Event(int64_t time, std::string_view request_id, std::string_view name, std::string_view error,
                     std::string_view json) {
  return {time, request_id, name, "arn:aws:iam::111122223333:user/alice",
          "arn:aws:kms:us-east-1:111122223333:key/k1", error, error.empty() ? "Allow" : "ImplicitDeny", json};
}

TEST_CASE("the trail keeps events in order, filters them and empties") {
  std::string dir = TempDir();
  auto trail = TrailStore::Open(dir + "/trail.db", dir + "/kmslab.db");
  REQUIRE(trail.ok());
  REQUIRE((*trail)->Append({Event(1000, "r1", "Encrypt", "", "{\"n\":1}"),
                            Event(2000, "r2", "Decrypt", "AccessDeniedException", "{\"n\":2}"),
                            Event(3000, "r3", "Encrypt", "", "{\"n\":3}"),
                            {.event_time = 4000, .event_name = "CreateKey", .event_json = "{\"n\":4}"}})
              .ok());
  auto all = (*trail)->Query({});
  REQUIRE(all.ok());
  REQUIRE(all->size() == 4);
  CHECK((*all)[0].event_json == "{\"n\":1}");
  CHECK((*all)[2].request_id == "r3");
  CHECK((*all)[3].key_arn.empty());  // empty views are stored as ""

  auto denied = (*trail)->Query({.error_code = "any"});
  REQUIRE(denied.ok());
  REQUIRE(denied->size() == 1);
  CHECK((*denied)[0].decision == "ImplicitDeny");
  auto by_id = (*trail)->Query({.request_id = "r3"});
  REQUIRE(by_id.ok());
  CHECK(by_id->size() == 1);
  auto window = (*trail)->Query({.event_name = "Encrypt", .since_ms = 1500, .until_ms = 3500});
  REQUIRE(window.ok());
  REQUIRE(window->size() == 1);
  CHECK((*window)[0].event_time == 3000);

  REQUIRE((*trail)->Clear().ok());
  auto empty = (*trail)->Query({});
  REQUIRE(empty.ok());
  CHECK(empty->empty());
}

TEST_CASE("a new trail takes over the events a version 2 state database kept") {
  std::string dir = TempDir();
  {  // kmslab.db as schema version 2 left it, with two events.
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open((dir + "/kmslab.db").c_str(), &db) == SQLITE_OK);
    for (int v = 0; v < 2; ++v) REQUIRE(sqlite3_exec(db, kMigrations[v], nullptr, nullptr, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db,
                         "PRAGMA user_version=2; INSERT INTO audit_events (event_time, request_id, event_name, "
                         "principal, key_arn, error_code, decision, event_json) VALUES "
                         "(1, 'old1', 'CreateKey', 'p', 'k', '', 'Allow', '{\"old\":1}'), "
                         "(2, 'old2', 'Encrypt', 'p', 'k', '', 'Allow', '{\"old\":2}')",
                         nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  {
    auto trail = TrailStore::Open(dir + "/trail.db", dir + "/kmslab.db");
    REQUIRE(trail.ok());
    auto state = Store::Open(dir + "/kmslab.db");  // version 3 drops the old table
    REQUIRE(state.ok());
    CHECK((*state)->schema_version() == kSchemaVersion);
    REQUIRE((*trail)->Append({Event(3, "new", "Decrypt", "", "{\"new\":1}")}).ok());
  }
  auto reopened = TrailStore::Open(dir + "/trail.db", dir + "/kmslab.db");  // takes nothing over twice
  REQUIRE(reopened.ok());
  auto all = (*reopened)->Query({});
  REQUIRE(all.ok());
  REQUIRE(all->size() == 3);
  CHECK((*all)[0].event_json == "{\"old\":1}");
  CHECK((*all)[1].request_id == "old2");
  CHECK((*all)[2].request_id == "new");
}

TEST_CASE("pruning drops old events, then the oldest beyond the size, and shrinks the file") {
  std::string dir = TempDir();
  auto trail = TrailStore::Open(dir + "/trail.db", dir + "/kmslab.db");
  REQUIRE(trail.ok());
  const std::string json(1000, 'j');
  std::vector<std::string> ids;
  for (int i = 0; i < 4000; ++i) ids.push_back("r" + std::to_string(i));
  std::vector<AuditEventView> batch;
  for (int i = 0; i < 4000; ++i) batch.push_back(Event(1000 + i, ids[i], "Encrypt", "", json));
  REQUIRE((*trail)->Append(batch).ok());
  auto full = (*trail)->FileBytes();
  REQUIRE(full.ok());
  CHECK(*full > 4'000'000);

  // By age: events stamped before 1100 go.
  auto aged = (*trail)->Prune(1100, 0);
  REQUIRE(aged.ok());
  CHECK(*aged == 100);
  auto first = (*trail)->Query({.limit = 1});
  REQUIRE(first.ok());
  CHECK((*first)[0].request_id == "r100");

  // By size: a 1 MB cap keeps roughly the newest 900 KB, in passes of at most max_rows.
  auto sized = (*trail)->Prune(0, 1'000'000, 1000);
  REQUIRE(sized.ok());
  CHECK(*sized == 1000);  // one bounded pass
  int64_t deleted = *sized;
  for (int pass = 0; pass < 10; ++pass) {
    auto more = (*trail)->Prune(0, 1'000'000, 1000);
    REQUIRE(more.ok());
    deleted += *more;
  }
  auto rest = (*trail)->Query({.limit = 10000});
  REQUIRE(rest.ok());
  CHECK(static_cast<int64_t>(rest->size()) + deleted == 3900);  // nothing lost beyond what Prune reported
  CHECK(rest->size() > 500);
  CHECK(rest->size() < 1000);
  CHECK(rest->back().request_id == "r3999");  // the newest stay
  auto small = (*trail)->FileBytes();
  REQUIRE(small.ok());
  CHECK(*small < 1'300'000);  // pages given back
  auto again = (*trail)->Prune(0, 1'000'000);  // within the cap: nothing more
  REQUIRE(again.ok());
  CHECK(*again == 0);
  auto all = (*trail)->Prune(1'000'000, 0);  // everything is older than that
  REQUIRE(all.ok());
  auto none = (*trail)->Query({});
  REQUIRE(none.ok());
  CHECK(none->empty());
  CHECK((*trail)->Prune(1'000'000, 1).ok());  // an empty trail prunes to nothing
}

TEST_CASE("a trail made before auto-vacuum is vacuumed by its first pruning") {
  std::string dir = TempDir();
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open((dir + "/trail.db").c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "PRAGMA page_size=65536; PRAGMA journal_mode=WAL;", nullptr, nullptr, nullptr) ==
            SQLITE_OK);
    sqlite3_close(db);
  }
  auto trail = TrailStore::Open(dir + "/trail.db", dir + "/kmslab.db");
  REQUIRE(trail.ok());
  const std::string json(1000, 'j');
  std::vector<AuditEventView> batch(3000, Event(1, "r", "Encrypt", "", json));
  REQUIRE((*trail)->Append(batch).ok());
  auto full = (*trail)->FileBytes();
  REQUIRE(full.ok());
  REQUIRE((*trail)->Prune(2, 0).ok());
  auto after = (*trail)->FileBytes();
  REQUIRE(after.ok());
  CHECK(*after < *full / 4);
}

TEST_CASE("the trail's database files are private") {
  std::string dir = TempDir();
  auto trail = TrailStore::Open(dir + "/trail.db", dir + "/kmslab.db");
  REQUIRE(trail.ok());
  REQUIRE((*trail)->Append({Event(1, "r", "Encrypt", "", "{}")}).ok());
  for (const char* name : {"/trail.db", "/trail.db-wal", "/trail.db-shm"}) {
    struct stat st;
    CAPTURE(name);
    REQUIRE(::stat((dir + name).c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
  }
}

}  // namespace
}  // namespace kmslab::store
