// Time to Live (docs/spec/dynamodb.md section 7): a table's TTL setting, the
// rule that makes an item expired, and the sweeper's state.
//
// The sweeper (Service::SweepTimeToLive, ttl.cc) runs on the server clock
// every Options::ttl_sweep_seconds and deletes expired items as DynamoDB
// (WriteOrigin::kTimeToLive) through the one write path. It acts under the
// service identity: it needs the table key, which it checks as DynamoDB
// under its grant at most once per Options::key_cache_seconds. When that
// check first fails (key disabled, pending deletion, grant revoked) it keeps
// deleting for Options::ttl_grace_seconds with the data key the loaded table
// holds in memory (no KMS call is needed to delete), then stops until the
// check succeeds again.
#ifndef KMSLAB_DDB_TTL_H_
#define KMSLAB_DDB_TTL_H_

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace kmslab::ddb {

// Guarded by the table's mu, inside TableState.
struct TimeToLive {
  // Kept in ddb_tables.meta.
  bool enabled = false;
  std::string attribute;      // the TTL attribute while enabled; "" otherwise
  int64_t changed_ms = 0;     // last UpdateTimeToLive that changed it (the cooldown); 0 = never
  int64_t key_failed_ms = 0;  // when the sweeper's key check first failed; 0 = the key works
  // In memory only.
  int64_t next_sweep_ms = 0;    // the next sweep (0: at the next due-work pass)
  int64_t key_ok_until_ms = 0;  // the sweeper's last good key check holds until then
};

// An item's TTL attribute expires it when it is a top-level N of epoch
// seconds below `now_ms` and not more than five years (5 * 365 days) old.
// `item` is a whole item (its AttributeValue map).
bool TtlExpired(const rapidjson::Value& item, const std::string& attribute, int64_t now_ms);

// The TimeToLive members of the table's meta JSON, and back (absent = never configured).
void WriteTtlMeta(rapidjson::Writer<rapidjson::StringBuffer>& w, const TimeToLive& ttl);
void ReadTtlMeta(const rapidjson::Value& meta, TimeToLive* ttl);

}  // namespace kmslab::ddb

#endif  // KMSLAB_DDB_TTL_H_
