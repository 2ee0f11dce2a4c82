// Item changes: the one place every change to a table's items passes
// through, whoever made it (a caller's PutItem, a transaction, PartiQL, the
// TTL sweeper, replication from another Region). Whatever must follow an
// item (secondary indexes, the stream, point-in-time history, replicas)
// hooks in here, so no write path can forget it.
#ifndef KMSLAB_DDB_ITEM_CHANGES_H_
#define KMSLAB_DDB_ITEM_CHANGES_H_

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ddb/table.h"
#include "store/records.h"

namespace kmslab::ddb {

class Service;

// Who changed the item.
enum class WriteOrigin {
  kCaller,          // a request of a caller (item, batch, transaction, PartiQL calls)
  kTimeToLive,      // DynamoDB's TTL sweeper (a service deletion)
  kReplication,     // a global table's replica Region, applying another Region's write
};

// One item changed in memory. `old_item` / `new_item` are the item's JSON
// before and after; null when there was none (an insert / a delete).
struct ItemChange {
  ItemChange(const ItemKey& key, const std::string* old_item, const std::string* new_item, WriteOrigin origin,
             int64_t at_ms)
      : key(key), old_item(old_item), new_item(new_item), origin(origin), at_ms(at_ms) {}

  const ItemKey& key;
  const std::string* old_item;
  const std::string* new_item;
  WriteOrigin origin;
  int64_t at_ms;  // server clock

  // The items parsed, on first use and once for every follower (indexes,
  // stream): a null document when there was none. Not thread-safe: followers
  // run one after another under table.mu.
  const rapidjson::Document& OldDocument() const { return Parsed(old_item, old_document_); }
  const rapidjson::Document& NewDocument() const { return Parsed(new_item, new_document_); }

 private:
  static const rapidjson::Document& Parsed(const std::string* json, std::optional<rapidjson::Document>& cache) {
    if (!cache) {
      cache.emplace();
      if (json) cache->Parse(json->data(), json->size());
    }
    return *cache;
  }
  mutable std::optional<rapidjson::Document> old_document_, new_document_;
};

// Called for every item change, after the table's items hold the new state
// and under table.mu held exclusively. Rows appended to `rows` are committed
// to the store with the item's own row, in the same SQLite transaction.
void OnItemChanged(Service& s, Table& table, const ItemChange& change, std::vector<store::DdbItemWrite>& rows);

}  // namespace kmslab::ddb

#endif  // KMSLAB_DDB_ITEM_CHANGES_H_
