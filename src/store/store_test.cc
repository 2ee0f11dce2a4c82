#include "store/store.h"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <thread>
#include <vector>

#include <sqlite3.h>

#include "store/migrations.h"
#include "store/root_key.h"
#include "store/stmt.h"
#include "store/test_temp_dir.h"

namespace kmslab::store {
namespace {

KeyRow SampleKey() {
  KeyRow k;
  k.key_id = "1234abcd-12ab-34cd-56ef-1234567890ab";
  k.arn = "arn:aws:kms:us-east-1:111122223333:key/" + k.key_id;
  k.account = "111122223333";
  k.region = "us-east-1";
  k.created_ms = 1000;
  k.state = KeyState::kEnabled;
  k.key_usage = "ENCRYPT_DECRYPT";
  k.key_spec = "SYMMETRIC_DEFAULT";
  k.origin = "AWS_KMS";
  k.key_manager = "CUSTOMER";
  k.policy = "{}";
  k.tags = {{"team", "blue"}};
  return k;
}

TEST_CASE("a fresh database is migrated to the current schema version") {
  std::string dir = TempDir();
  auto store = Store::Open(dir + "/kmslab.db");
  REQUIRE(store.ok());
  CHECK((*store)->schema_version() == kSchemaVersion);
}

TEST_CASE("imported material is replaced in place, kept without its bytes, and survives reopening") {
  std::string path = TempDir() + "/kmslab.db";
  KeyRow key = SampleKey();
  key.origin = "EXTERNAL";
  key.state = KeyState::kPendingImport;
  {
    auto store = Store::Open(path);
    REQUIRE(store.ok());
    REQUIRE((*store)->UpdateKey(key).ok());  // an EXTERNAL key starts without material
    CHECK((*store)->LoadMaterials()->empty());
    key.state = KeyState::kEnabled;
    MaterialRow m{key.key_id, 1, "id1", "sealed", 1000, "", "KEY_MATERIAL_EXPIRES", 5000};
    REQUIRE((*store)->PutImportedMaterial(key, m).ok());
    key.state = KeyState::kPendingImport;
    m.wrapped.clear();
    m.expiration_model.clear();
    m.valid_to_ms = 0;
    REQUIRE((*store)->PutImportedMaterial(key, m).ok());
  }
  auto store = Store::Open(path);
  REQUIRE(store.ok());
  CHECK((*store)->LoadKeys()->at(0).state == KeyState::kPendingImport);
  auto materials = (*store)->LoadMaterials();
  REQUIRE(materials->size() == 1);
  CHECK(materials->at(0).material_id == "id1");
  CHECK(materials->at(0).wrapped.empty());
  CHECK(materials->at(0).expiration_model.empty());
  MaterialRow back{key.key_id, 1, "id1", "sealed2", 1000, "", "KEY_MATERIAL_EXPIRES", 7000};
  REQUIRE((*store)->PutImportedMaterial(key, back).ok());
  materials = (*store)->LoadMaterials();
  CHECK((materials->at(0).wrapped == "sealed2" && materials->at(0).valid_to_ms == 7000 &&
         materials->at(0).expiration_model == "KEY_MATERIAL_EXPIRES"));
}

TEST_CASE("keys, materials, tags and aliases survive reopening; deletion cascades") {
  std::string path = TempDir() + "/kmslab.db";
  KeyRow key = SampleKey();
  {
    auto store = Store::Open(path);
    REQUIRE(store.ok());
    REQUIRE((*store)->CreateKey(key, {key.key_id, 1, "m1", std::string("\x00wrapped", 8), 1000, ""}).ok());
    key.state = KeyState::kDisabled;
    REQUIRE((*store)->AddMaterial(key, {key.key_id, 2, "m2", "w2", 2000, "ON_DEMAND"}).ok());
    REQUIRE((*store)->PutAlias({key.account, key.region, "alias/a", key.key_id, 1, 1}).ok());
    // The same material version twice is refused and changes nothing.
    CHECK_FALSE((*store)->AddMaterial(key, {key.key_id, 2, "m3", "w3", 3000, "ON_DEMAND"}).ok());
  }
  auto store = Store::Open(path);
  REQUIRE(store.ok());
  auto keys = (*store)->LoadKeys();
  REQUIRE(keys.ok());
  REQUIRE(keys->size() == 1);
  CHECK(keys->at(0).state == KeyState::kDisabled);
  CHECK(keys->at(0).tags.at("team") == "blue");
  auto materials = (*store)->LoadMaterials();
  REQUIRE(materials->size() == 2);
  CHECK(materials->at(0).wrapped == std::string("\x00wrapped", 8));
  CHECK(materials->at(1).material_id == "m2");
  CHECK((*store)->LoadAliases()->size() == 1);
  REQUIRE((*store)->DeleteKey(key.key_id, key.region).ok());
  CHECK((*store)->LoadKeys()->empty());
  CHECK((*store)->LoadMaterials()->empty());
  CHECK((*store)->LoadAliases()->empty());
}

TEST_CASE("the root key file is created 0600 once and read back") {
  unsetenv("KMSLAB_ROOT_KEY");
  std::string dir = TempDir();
  auto first = LoadOrCreateRootKey(dir);
  REQUIRE(first.ok());
  CHECK(first->size() == 32);
  struct stat st{};
  REQUIRE(stat((dir + "/root.key").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto second = LoadOrCreateRootKey(dir);
  REQUIRE(second.ok());
  CHECK(second->Reveal() == first->Reveal());
  setenv("KMSLAB_ROOT_KEY", "zz", 1);
  CHECK_FALSE(LoadOrCreateRootKey(dir).ok());
  unsetenv("KMSLAB_ROOT_KEY");
}

TEST_CASE("item writes from many threads share commits, and backups copy and restore items") {
  std::string dir = TempDir();
  auto store = std::move(Store::Open(dir + "/kmslab.db")).value();
  REQUIRE(store->PutDdbTable({"t1", "111122223333", "us-east-1", "music", 1, "{}"}).ok());
  std::vector<std::thread> writers;
  for (int t = 0; t < 8; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        uint64_t ticket = store->EnqueueDdbItemWrite({"t1", std::to_string(t * 100 + i), "sealed"});
        CHECK(store->AwaitDdbWrites(ticket).ok());
      }
    });
  }
  for (auto& w : writers) w.join();
  CHECK(store->AwaitDdbWrites(store->EnqueueDdbItemWrite({"t1", "0", ""})).ok());  // a delete
  CHECK(store->LoadDdbItems("t1")->size() == 399);

  REQUIRE(store->CreateDdbBackup({"arn:b1", "111122223333", "us-east-1", "music", 2, "{}"}, "t1").ok());
  REQUIRE(store->DeleteDdbTable("t1").ok());
  CHECK(store->LoadDdbItems("t1")->empty());
  REQUIRE(store->RestoreDdbTable({"t2", "111122223333", "us-east-1", "copy", 3, "{}"}, "arn:b1").ok());
  CHECK(store->LoadDdbItems("t2")->size() == 399);
  CHECK(store->LoadDdbTables()->size() == 1);
  REQUIRE(store->DeleteDdbBackup("arn:b1").ok());
  CHECK(store->LoadDdbBackups()->empty());
}

TEST_CASE("table stats follow the item writes, the last one wins, and go with their table") {
  std::string dir = TempDir();
  {
    auto store = std::move(Store::Open(dir + "/kmslab.db")).value();
    REQUIRE(store->PutDdbTable({"t1", "111122223333", "us-east-1", "music", 1, "{}"}).ok());
    using Kind = DdbItemWrite::Kind;
    std::vector<DdbItemWrite> writes;
    writes.push_back({"t1", "a", "sealed"});
    writes.push_back({"t1", "", R"({"items":1})", Kind::kTableStats});
    writes.push_back({"t1", "b", "sealed"});
    writes.push_back({"t1", "", R"({"items":2})", Kind::kTableStats});
    writes.push_back({"gone", "", R"({"items":9})", Kind::kTableStats});  // no such table: ignored
    REQUIRE(store->AwaitDdbWrites(store->EnqueueDdbItemWrites(std::move(writes))).ok());
  }
  auto store = std::move(Store::Open(dir + "/kmslab.db")).value();
  auto stats = store->LoadDdbTableStats();
  REQUIRE(stats.ok());
  CHECK(*stats == std::map<std::string, std::string>{{"t1", R"({"items":2})"}});
  REQUIRE(store->DeleteDdbTable("t1").ok());
  CHECK(store->LoadDdbTableStats()->empty());
}

TEST_CASE("a transaction's item writes are committed together, never split across commits") {
  std::string dir = TempDir();
  auto store = std::move(Store::Open(dir + "/kmslab.db")).value();
  REQUIRE(store->PutDdbTable({"t1", "111122223333", "us-east-1", "music", 1, "{}"}).ok());
  constexpr int kTransactions = 60, kWrites = 7;
  std::atomic<bool> done{false};
  // A second connection sees only committed states: each transaction's rows
  // are all there or none.
  std::thread reader([&] {
    sqlite3* db = nullptr;
    const bool opened = sqlite3_open_v2((dir + "/kmslab.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK;
    CHECK(opened);
    sqlite3_busy_timeout(db, 5000);
    while (opened && !done.load()) {
      Stmt stmt(db, "SELECT substr(row_id, 1, instr(row_id, '/') - 1), count(*) FROM ddb_items "
                    "WHERE row_id LIKE 'tx%' GROUP BY 1");
      while (stmt.Step() == SQLITE_ROW) {
        const std::string tx = stmt.Text(0);
        const int64_t rows = stmt.Int(1);
        CHECK_MESSAGE(rows == kWrites, std::string(tx + " is partly committed"));
      }
    }
    sqlite3_close(db);
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      for (int n = 0; n < kTransactions / 4; ++n) {
        // Single writes interleave with the transactions.
        CHECK(store->AwaitDdbWrites(store->EnqueueDdbItemWrite({"t1", "single" + std::to_string(t), "x"})).ok());
        std::vector<DdbItemWrite> writes;
        const std::string tx = "tx" + std::to_string(t * 1000 + n);
        for (int i = 0; i < kWrites; ++i) writes.push_back({"t1", tx + "/" + std::to_string(i), "sealed"});
        CHECK(store->AwaitDdbWrites(store->EnqueueDdbItemWrites(std::move(writes))).ok());
      }
    });
  }
  for (auto& w : writers) w.join();
  done = true;
  reader.join();
  CHECK(store->LoadDdbItems("t1")->size() == kTransactions * kWrites + 4);
  // The ticket is the last write's: a transaction's writes take consecutive tickets.
  const uint64_t single = store->EnqueueDdbItemWrite({"t1", "single0", ""});
  CHECK(store->EnqueueDdbItemWrites({{"t1", "tx0/0", ""}, {"t1", "tx0/1", ""}}) == single + 2);
  CHECK(store->AwaitDdbWrites(single + 2).ok());
  CHECK(store->LoadDdbItems("t1")->size() == kTransactions * kWrites + 4 - 3);
}

}  // namespace
}  // namespace kmslab::store

namespace kmslab::store {
namespace {

// A database at schema `version` (its migrations applied, not the later
// ones) holding `rows`, as an older kmslab left it.
void MakeDatabaseAt(const std::string& path, int version, const char* rows) {
  auto db = OpenDatabase(path);
  REQUIRE(db.ok());
  for (int v = 0; v < version; ++v) REQUIRE(ExecSql(*db, kMigrations[v]).ok());
  REQUIRE(ExecSql(*db, ("PRAGMA user_version=" + std::to_string(version)).c_str()).ok());
  REQUIRE(ExecSql(*db, rows).ok());
  sqlite3_close(*db);
}

TEST_CASE("version 3 databases move to (key id, Region) names with their rows kept") {
  std::string path = TempDir() + "/kmslab.db";
  MakeDatabaseAt(path, 3, R"sql(
      INSERT INTO keys (key_id, arn, account, region, created_ms, description, state, key_usage, key_spec,
        origin, key_manager, policy) VALUES ('k1', 'arn:aws:kms:us-east-1:111122223333:key/k1', '111122223333',
        'us-east-1', 1, '', 'Enabled', 'ENCRYPT_DECRYPT', 'SYMMETRIC_DEFAULT', 'AWS_KMS', 'CUSTOMER', '{}');
      INSERT INTO key_materials VALUES ('k1', 1, 'm1', x'00', 1, '');
      INSERT INTO key_tags VALUES ('k1', 'team', 'blue');
      INSERT INTO aliases VALUES ('111122223333', 'us-east-1', 'alias/a', 'k1', 1, 1);
      INSERT INTO grants VALUES ('g1', 'k1', '', 'p', '', 'a', '[]', '{}', 1);
    )sql");
  auto store = Store::Open(path);
  REQUIRE(store.ok());
  CHECK((*store)->schema_version() == kSchemaVersion);
  auto keys = (*store)->LoadKeys();
  REQUIRE(keys.ok());
  REQUIRE(keys->size() == 1);
  CHECK(keys->at(0).tags.at("team") == "blue");
  CHECK(keys->at(0).multi_region_type == MultiRegionKeyType::kNone);
  auto materials = (*store)->LoadMaterials();
  REQUIRE(materials.ok());
  CHECK(materials->at(0).region == "us-east-1");
  CHECK(materials->at(0).expiration_model.empty());  // version 5's columns, defaulted
  CHECK(materials->at(0).valid_to_ms == 0);
  CHECK((*store)->LoadGrants()->at(0).region == "us-east-1");
  // A related key in another Region shares the key id; deleting one keeps the other.
  KeyRow replica = keys->at(0);
  replica.region = "eu-west-1";
  replica.arn = "arn:aws:kms:eu-west-1:111122223333:key/k1";
  replica.multi_region_type = MultiRegionKeyType::kReplica;
  REQUIRE((*store)->CreateKey(replica, {"k1", 1, "m1", "w", 1, ""}).ok());
  REQUIRE((*store)->DeleteKey("k1", "us-east-1").ok());
  keys = (*store)->LoadKeys();
  REQUIRE(keys->size() == 1);
  CHECK(keys->at(0).multi_region_type == MultiRegionKeyType::kReplica);
  CHECK((*store)->LoadAliases()->empty());
  CHECK((*store)->LoadGrants()->empty());
  CHECK((*store)->LoadMaterials()->size() == 1);
}

TEST_CASE("version 4 databases gain imported material's expiry columns with their rows kept") {
  std::string path = TempDir() + "/kmslab.db";
  MakeDatabaseAt(path, 4, R"sql(
      INSERT INTO keys (key_id, arn, account, region, created_ms, description, state, key_usage, key_spec,
        origin, key_manager, policy, multi_region, multi_region_key_type) VALUES ('mrk-1',
        'arn:aws:kms:eu-west-1:111122223333:key/mrk-1', '111122223333', 'eu-west-1', 1, '', 'Enabled',
        'ENCRYPT_DECRYPT', 'SYMMETRIC_DEFAULT', 'AWS_KMS', 'CUSTOMER', '{}', 1, 'REPLICA');
      INSERT INTO key_materials VALUES ('mrk-1', 'eu-west-1', 1, 'm1', x'00', 1, '');
    )sql");
  auto store = Store::Open(path);
  REQUIRE(store.ok());
  CHECK((*store)->schema_version() == kSchemaVersion);
  auto materials = (*store)->LoadMaterials();
  REQUIRE(materials.ok());
  REQUIRE(materials->size() == 1);
  CHECK(materials->at(0).region == "eu-west-1");
  CHECK(materials->at(0).material_id == "m1");
  CHECK(materials->at(0).expiration_model.empty());
  // Imported material is kept per (key id, Region): a related key's row is its own.
  KeyRow key = (*store)->LoadKeys()->at(0);
  key.region = "us-east-1";
  key.arn = "arn:aws:kms:us-east-1:111122223333:key/mrk-1";
  key.origin = "EXTERNAL";
  REQUIRE((*store)->UpdateKey(key).ok());
  REQUIRE((*store)->PutImportedMaterial(key, {"mrk-1", 1, "m2", "w", 2, "", "KEY_MATERIAL_EXPIRES", 9000}).ok());
  materials = (*store)->LoadMaterials();
  REQUIRE(materials->size() == 2);
  CHECK((materials->at(0).region == "eu-west-1" && materials->at(0).valid_to_ms == 0));
  CHECK((materials->at(1).region == "us-east-1" && materials->at(1).valid_to_ms == 9000 &&
         materials->at(1).material_id == "m2"));
}

}  // namespace
}  // namespace kmslab::store
