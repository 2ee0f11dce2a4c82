#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "store/store.h"
#include "store/test_temp_dir.h"

namespace kmslab::store {
namespace {

using Kind = DdbItemWrite::Kind;

std::vector<int64_t> PendingIds(Store& store) {
  auto rows = store.LoadDdbReplicaChanges();
  REQUIRE(rows.ok());
  std::vector<int64_t> ids;
  for (const DdbReplicaChangeRow& row : *rows) ids.push_back(row.seq);
  return ids;
}

TEST_CASE("replica changes are written with their item, kept across a reopen, and gone once done") {
  const std::string path = TempDir() + "/kmslab.db";
  {
    auto opened = Store::Open(path);
    REQUIRE(opened.ok());
    Store& store = **opened;
    REQUIRE(store.PutDdbTable({"t1", "111122223333", "us-east-1", "music", 1, "{}"}).ok());
    REQUIRE(store.AwaitDdbWrites(store.EnqueueDdbItemWrites(
        {{"t1", "a", "a1"}, {"t1", "us-west-2", "change-1", Kind::kReplicaChange, 5000, 1},
         {"t1", "eu-west-1", "change-2", Kind::kReplicaChange, 5000, 2}})).ok());
    REQUIRE(store.AwaitDdbWrites(store.EnqueueDdbItemWrites(
        {{"t1", "b", "b1"}, {"t1", "us-west-2", "change-3", Kind::kReplicaChange, 6000, 3}})).ok());
    REQUIRE(store.AwaitDdbWrites(store.EnqueueDdbItemWrite({"", "", "", Kind::kReplicaChangeDone, 0, 1})).ok());
  }
  auto opened = Store::Open(path);
  REQUIRE(opened.ok());
  Store& store = **opened;
  auto rows = store.LoadDdbReplicaChanges();
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 2);
  CHECK((*rows)[0].seq == 2);
  CHECK((*rows)[0].table_id == "t1");
  CHECK((*rows)[0].target_region == "eu-west-1");
  CHECK((*rows)[0].due_ms == 5000);
  CHECK((*rows)[0].sealed == "change-2");
  CHECK((*rows)[1].seq == 3);
  CHECK((*rows)[1].target_region == "us-west-2");
  CHECK((*rows)[1].due_ms == 6000);
  // Deleting the source table drops its pending changes.
  REQUIRE(store.DeleteDdbTable("t1").ok());
  CHECK(PendingIds(store).empty());
}

}  // namespace
}  // namespace kmslab::store
