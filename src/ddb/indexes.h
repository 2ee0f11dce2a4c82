// Secondary indexes at work (docs/spec/dynamodb.md section 5): their
// entries, kept in memory only and rebuilt from the items whenever a
// table's items load (nothing of an index reaches the store but its
// definition), kept current by OnItemChanged; the index-key checks every
// write makes first; how an index projects an item; DescribeTable's index
// entries; and the timers of online GSI changes.
//
// Sparse: an item lacking an index key attribute (or holding one of another
// type, which only an item older than the index can) is not in the index.
// GSI keys need not be unique: entries are ordered by index sort key, then
// by the item's table key.
#ifndef KMSLAB_DDB_INDEXES_H_
#define KMSLAB_DDB_INDEXES_H_

#include <rapidjson/document.h>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/status.h"
#include "ddb/index_schema.h"
#include "ddb/item_changes.h"
#include "ddb/table.h"

namespace kmslab::ddb {

class Service;

// One item in an index: its index sort key (type 0 without one), then its
// table key (partition bytes and sort key), which finds it in the table.
struct IndexEntry {
  SortKey sort;
  std::string partition;
  SortKey table_sort;
};
struct IndexEntryLess {
  bool operator()(const IndexEntry& a, const IndexEntry& b) const;
};
using IndexPartition = std::set<IndexEntry, IndexEntryLess>;

// One index's entries by index partition key bytes, with its live counts.
struct IndexData {
  std::map<std::string, IndexPartition> partitions;
  int64_t item_count = 0;
  int64_t size_bytes = 0;
};
// Every index of a table, by name (Table::index_entries).
struct IndexEntries {
  std::map<std::string, IndexData> by_name;
};

// The table's indexes as of now (never null). Safe with or without table.mu.
IndexList IndexesOf(const Table& table);
// Replaces the table's indexes. Requires table.mu held exclusively.
void SetIndexes(Table& table, std::vector<IndexSchema> indexes);

// Every write's index-key check, before anything changes: each index key
// attribute the item holds has the index's type and is not empty.
core::Status ValidateIndexKeys(const std::vector<IndexSchema>& indexes, const rapidjson::Value& item);

// Whether `item` belongs in `index` (holds its key attributes with their types).
bool InIndex(const IndexSchema& index, const rapidjson::Value& item);
// The item as `index` holds it: the table's and the index's keys, and what
// the projection includes (ALL: the whole item).
rapidjson::Document ProjectForIndex(const TableDefinition& definition, const IndexSchema& index,
                                    const rapidjson::Value& item);
// Whether the index holds attribute `name` of its items.
bool IndexProjects(const TableDefinition& definition, const IndexSchema& index, const std::string& name);

// The indexes a backup keeps and a restore recreates: those not being
// created or deleted, ACTIVE; with `pay_per_request`, without provisioned throughput.
IndexList SettledIndexes(const IndexList& indexes, bool pay_per_request);

// Follows one item change (item_changes.h). Requires table.mu held exclusively.
void UpdateIndexEntries(Table& table, const ItemChange& change);
// Builds the entries of every index (or only `only`) from the table's items.
// Requires table.mu held exclusively and the items loaded.
void BuildIndexEntries(Table& table, const std::string& only = "");
// The entries of index `name`, or null. Requires table.mu held.
const IndexData* FindIndexData(const Table& table, const std::string& name);

// GlobalSecondaryIndexes / LocalSecondaryIndexes of a TableDescription;
// `table_creating`: CreateTable's own answer, where its GSIs are CREATING too.
// Requires table.mu held.
void WriteIndexDescriptions(rapidjson::Writer<rapidjson::StringBuffer>& out, const Table& table,
                            bool table_creating = false);
// The key attributes indexes add to the table's AttributeDefinitions.
std::vector<AttributeDefinition> IndexAttributeDefinitions(const Table& table);
// Whether an index is being created, updated or deleted (the table is busy).
bool IndexesChanging(const std::vector<IndexSchema>& indexes);
// Whether an index is allocating or being deleted (the table shows UPDATING).
bool IndexAllocating(const std::vector<IndexSchema>& indexes);
// An accessible table's TableStatus: UPDATING while IndexAllocating, else
// ACTIVE. Requires table.mu held.
const char* StatusWithIndexes(const Table& table);

// Moves online index changes on as of `now` (CREATING -> backfilling ->
// ACTIVE, UPDATING -> ACTIVE, DELETING -> gone). Returns when next to look
// (INT64_MAX: nothing pending).
int64_t AdvanceIndexes(Service& s, Table& table, int64_t now);

}  // namespace kmslab::ddb

#endif  // KMSLAB_DDB_INDEXES_H_
