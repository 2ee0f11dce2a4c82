#include "ddb/table_stats.h"

#include <doctest/doctest.h>

#include <rapidjson/document.h>

#include "ddb/indexes.h"

namespace kmslab::ddb {
namespace {

TableDefinition Def() {
  TableDefinition d;
  d.hash_name = "pk";
  d.attributes = {{"pk", "S"}};
  d.billing_mode = "PAY_PER_REQUEST";
  return d;
}

IndexSchema Gsi(const std::string& name) {
  IndexSchema i;
  i.name = name;
  i.hash = {"city", "S"};
  return i;
}

}  // namespace

TEST_CASE("stored table stats show until the items are loaded, and are written back as they are") {
  Table t("id-1", "111122223333", "us-east-1", "Music", 1, Def());
  std::unique_lock<std::shared_mutex> lock(t.mu);
  SetIndexes(t, {Gsi("by-city"), Gsi("by-other")});
  ApplyStoredStats(t, R"({"items":3,"bytes":120,"indexes":{"by-city":[2,80],"by-other":[1],"gone":[5,5]}})");
  CHECK(t.item_count == 3);
  CHECK(t.size_bytes == 120);
  CHECK(IndexCountsOf(t, "by-city").item_count == 2);
  CHECK(IndexCountsOf(t, "by-city").size_bytes == 80);
  CHECK(IndexCountsOf(t, "by-other").item_count == 0);  // malformed: 0
  const store::DdbItemWrite row = TableStatsRow(t);
  CHECK(row.kind == store::DdbItemWrite::Kind::kTableStats);
  CHECK(row.table_id == "id-1");
  rapidjson::Document back;
  back.Parse(row.sealed.c_str());
  rapidjson::Document expected;
  expected.Parse(R"({"items":3,"bytes":120,"indexes":{"by-city":[2,80],"by-other":[0,0]}})");
  CHECK(back == expected);

  // Loaded, the live entries count (none here), not the stored figures.
  t.loaded = true;
  CHECK(IndexCountsOf(t, "by-city").item_count == 0);

  Table fresh("id-2", "111122223333", "us-east-1", "Other", 1, Def());
  std::unique_lock<std::shared_mutex> fresh_lock(fresh.mu);
  ApplyStoredStats(fresh, "not json");
  ApplyStoredStats(fresh, R"({"items":-4,"bytes":"x"})");
  CHECK(fresh.item_count == 0);
  CHECK(fresh.size_bytes == 0);
}

}  // namespace kmslab::ddb
