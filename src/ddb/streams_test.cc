#include "ddb/streams.h"

#include <doctest/doctest.h>

namespace kmslab::ddb {

TEST_CASE("a stream is ENABLING, then ENABLED; once closed DISABLING, then DISABLED") {
  Stream st;
  st.created_ms = 10'000;
  CHECK(StreamStatusAt(st, 10'000, 5'000) == "ENABLING");
  CHECK(StreamStatusAt(st, 14'999, 5'000) == "ENABLING");
  CHECK(StreamStatusAt(st, 15'000, 5'000) == "ENABLED");
  CHECK(StreamStatusAt(st, 10'000, 0) == "ENABLED");
  st.disabled_ms = 12'000;  // closed while still ENABLING
  CHECK(StreamStatusAt(st, 12'000, 5'000) == "DISABLING");
  CHECK(StreamStatusAt(st, 16'999, 5'000) == "DISABLING");
  CHECK(StreamStatusAt(st, 17'000, 5'000) == "DISABLED");
  CHECK(StreamStatusAt(st, 12'000, 0) == "DISABLED");
}

TEST_CASE("tag lists round-trip through stored JSON and skip malformed entries") {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  WriteTagList(w, Tags{{"team", "audio"}, {"env", ""}});
  rapidjson::Document doc;
  doc.Parse(buffer.GetString());
  CHECK(ReadTagList(&doc) == Tags{{"team", "audio"}, {"env", ""}});
  doc.Parse(R"([["a","b"],["c"],[1,"d"],"e",["f","g"]])");
  CHECK(ReadTagList(&doc) == Tags{{"a", "b"}, {"f", "g"}});
  doc.Parse("{}");
  CHECK(ReadTagList(&doc).empty());
  CHECK(ReadTagList(nullptr).empty());
}

}  // namespace kmslab::ddb
