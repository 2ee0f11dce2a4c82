#include "store/trail_store.h"

#include <doctest/doctest.h>
#include <sqlite3.h>

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

}  // namespace
}  // namespace kmslab::store
