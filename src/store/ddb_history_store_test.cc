#include <doctest/doctest.h>

#include <map>
#include <string>

#include "store/store.h"
#include "store/test_temp_dir.h"

namespace kmslab::store {
namespace {

using Kind = DdbItemWrite::Kind;

// The table's items as of `at_ms`: row id -> sealed.
std::map<std::string, std::string> ItemsAt(Store& store, int64_t at_ms) {
  std::map<std::string, std::string> items;
  auto rows = store.LoadDdbItemsAt("t1", at_ms);
  REQUIRE(rows.ok());
  for (const DdbItemRow& row : *rows) items[row.row_id] = row.sealed;
  return items;
}

void Write(Store& store, std::vector<DdbItemWrite> writes) {
  REQUIRE(store.AwaitDdbWrites(store.EnqueueDdbItemWrites(std::move(writes))).ok());
}

TEST_CASE("item history rebuilds a table as of any time, from the copy taken when it started") {
  auto opened = Store::Open(TempDir() + "/kmslab.db");
  REQUIRE(opened.ok());
  Store& store = **opened;
  REQUIRE(store.PutDdbTable({"t1", "111122223333", "us-east-1", "music", 1, "{}"}).ok());
  Write(store, {{"t1", "a", "a0"}});
  REQUIRE(store.StartDdbHistory("t1", 100, "keys-1").ok());
  // Each item change: the item row and its history row, in one commit.
  Write(store, {{"t1", "b", "b1"}, {"t1", "b", "b1", Kind::kHistory, 200}});
  Write(store, {{"t1", "a", ""}, {"t1", "a", "", Kind::kHistory, 300}});
  Write(store, {{"t1", "b", "b2"}, {"t1", "b", "b2", Kind::kHistory, 300}});
  REQUIRE(store.PutDdbKeyHistory("t1", 250, "keys-2").ok());

  CHECK(ItemsAt(store, 99).empty());
  CHECK(ItemsAt(store, 100) == std::map<std::string, std::string>{{"a", "a0"}});
  CHECK(ItemsAt(store, 250) == std::map<std::string, std::string>{{"a", "a0"}, {"b", "b1"}});
  CHECK(ItemsAt(store, 300) == std::map<std::string, std::string>{{"b", "b2"}});
  CHECK(*store.DdbKeysAt("t1", 249) == "keys-1");
  CHECK(*store.DdbKeysAt("t1", 250) == "keys-2");
  CHECK(store.DdbKeysAt("t1", 99).status().code() == core::Code::kNotFound);

  // A trim at 250 keeps what a restore at 250 or later needs, and no more.
  Write(store, {{"t1", "", "", Kind::kHistoryTrim, 250}});
  CHECK(ItemsAt(store, 250) == std::map<std::string, std::string>{{"a", "a0"}, {"b", "b1"}});
  CHECK(ItemsAt(store, 300) == std::map<std::string, std::string>{{"b", "b2"}});
  Write(store, {{"t1", "", "", Kind::kHistoryTrim, 300}});
  CHECK(ItemsAt(store, 300) == std::map<std::string, std::string>{{"b", "b2"}});
  CHECK(ItemsAt(store, 250) == std::map<std::string, std::string>{});  // before the cut: gone
  CHECK(*store.DdbHistoryFloor("t1") == 0);  // the bound was not reached

  // Starting again forgets the old history; a table's removal takes it along.
  REQUIRE(store.StartDdbHistory("t1", 400, "keys-3").ok());
  CHECK(ItemsAt(store, 300).empty());
  CHECK(ItemsAt(store, 400) == std::map<std::string, std::string>{{"b", "b2"}});
  CHECK(*store.DdbKeysAt("t1", 1000) == "keys-3");
  REQUIRE(store.DeleteDdbTable("t1").ok());
  CHECK(ItemsAt(store, 400).empty());
  CHECK(store.DdbKeysAt("t1", 1000).status().code() == core::Code::kNotFound);
}

}  // namespace
}  // namespace kmslab::store
