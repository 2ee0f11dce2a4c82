// The TTL sweeper (ttl.h): deletes expired items as DynamoDB, on the server clock.
#include <mutex>

#include "ddb/attribute_value.h"
#include "ddb/ops/item_common.h"
#include "ddb/service.h"
#include "ddb/ttl.h"

namespace kmslab::ddb {

namespace {
// Deletions per table per sweep; a sweep that stops short comes back at once.
constexpr size_t kMaxDeletesPerSweep = 1000;
}  // namespace

int64_t Service::SweepTimeToLive(Table& t, int64_t now) {
  TableKeys keys;
  bool loaded, key_ok;
  {
    std::shared_lock<std::shared_mutex> lock(t.mu);
    if (t.deleted || !t.state.ttl.enabled) return INT64_MAX;
    if (now < t.state.ttl.next_sweep_ms) return t.state.ttl.next_sweep_ms;
    keys = t.state.keys;
    loaded = t.loaded;
    key_ok = keys.kms_key_arn.empty() ? loaded : now < t.state.ttl.key_ok_until_ms;
  }
  // The key check, as DynamoDB under its grant (owned keys open locally):
  // needed to load the items, and for a KMS key once per cache period.
  std::optional<core::SecretBytes> data_key;
  bool checked = false;
  if (!key_ok) {
    auto table_key = OpenTableKey(nullptr, t.name, t.account, t.region, keys);
    checked = true;
    if (table_key.ok()) {
      auto opened = UnsealDataKey(*table_key, keys);
      key_ok = opened.ok();
      if (key_ok) data_key = std::move(opened).value();
    }
  }
  if (key_ok && !loaded && data_key && !LoadItems(t, std::move(*data_key)).ok()) return now + options_.ttl_sweep_seconds * 1000;

  std::optional<uint64_t> ticket;
  int64_t next;
  {
    std::unique_lock<std::shared_mutex> lock(t.mu);
    if (t.deleted || !t.state.ttl.enabled) return INT64_MAX;
    TimeToLive& ttl = t.state.ttl;
    if (checked) {
      const int64_t failed_before = ttl.key_failed_ms;
      if (key_ok) {
        ttl.key_failed_ms = 0;
        ttl.key_ok_until_ms = now + options_.key_cache_seconds * 1000;
      } else if (ttl.key_failed_ms == 0) {
        ttl.key_failed_ms = now;
      }
      if (failed_before != ttl.key_failed_ms) (void)SaveTable(t);
    }
    next = now + options_.ttl_sweep_seconds * 1000;
    ttl.next_sweep_ms = next;
    // With the key unusable, the data key held in memory serves for the grace window only.
    const bool may_delete = key_ok || (ttl.key_failed_ms != 0 && now < ttl.key_failed_ms + options_.ttl_grace_seconds * 1000);
    if (!may_delete || !t.loaded) return next;
    std::vector<std::pair<ItemKey, int64_t>> expired;
    for (const auto& [partition, items] : t.partitions) {
      for (const auto& [sort, json] : items) {
        if (expired.size() == kMaxDeletesPerSweep) break;
        rapidjson::Document item;
        item.Parse(json.data(), json.size());
        if (item.HasParseError() || !TtlExpired(item, ttl.attribute, now)) continue;
        expired.emplace_back(KeyOf(t.definition, item), ItemSizeBytes(item));
      }
    }
    if (expired.size() == kMaxDeletesPerSweep) {
      next = now;
      ttl.next_sweep_ms = now;
    }
    for (const auto& entry : expired) {
      auto written = ops::ApplyWrite(*this, t, entry.first, "", -entry.second, WriteOrigin::kTimeToLive);
      if (written.ok()) ticket = *written;
    }
  }
  (void)ops::AwaitWrite(*this, ticket);
  return next;
}

}  // namespace kmslab::ddb
