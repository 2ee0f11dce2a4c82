// Secondary indexes' definitions (docs/spec/dynamodb.md section 5): what
// CreateTable and UpdateTable declare for each local or global secondary
// index, and where an online change of a GSI stands. Plain data; the
// entries of an index live in memory only (indexes.h).
#ifndef KMSLAB_DDB_INDEX_SCHEMA_H_
#define KMSLAB_DDB_INDEX_SCHEMA_H_

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kmslab::ddb {

enum class IndexKind { kLocal, kGlobal };
enum class ProjectionType { kKeysOnly, kInclude, kAll };
// CREATING (allocation, then backfilling), ACTIVE, UPDATING (throughput), DELETING.
enum class IndexStatus { kCreating, kActive, kUpdating, kDeleting };

struct IndexKeyAttribute {
  std::string name;  // empty: no such key (an index without a sort key)
  std::string type;  // S | N | B
};

struct IndexSchema {
  std::string name;
  IndexKind kind = IndexKind::kGlobal;
  IndexKeyAttribute hash, range;
  ProjectionType projection = ProjectionType::kAll;
  std::vector<std::string> non_key_attributes;  // INCLUDE only
  int64_t read_capacity = 0, write_capacity = 0;  // GSIs of PROVISIONED tables
  // OnDemandThroughput as sent (GSIs of PAY_PER_REQUEST tables); -1 = no limit.
  std::optional<int64_t> max_read_units, max_write_units;
  IndexStatus status = IndexStatus::kActive;
  bool backfilling = false;     // CREATING: past resource allocation
  bool created_online = false;  // by UpdateTable (shows Backfilling while CREATING)
  int64_t next_status_ms = 0;   // when CREATING / UPDATING / DELETING moves on
};

// A table's indexes, replaced whole on every change (Table::indexes).
using IndexList = std::shared_ptr<const std::vector<IndexSchema>>;

const char* ProjectionTypeName(ProjectionType type);
const char* IndexStatusName(IndexStatus status);

// The index named `name` in `indexes`, or null.
const IndexSchema* FindIndexSchema(const std::vector<IndexSchema>& indexes, const std::string& name);

// The indexes as kept in the table's metadata JSON, and back (false when malformed).
void WriteIndexSchemas(rapidjson::Writer<rapidjson::StringBuffer>& w, const std::vector<IndexSchema>& indexes);
bool ReadIndexSchemas(const rapidjson::Value& v, std::vector<IndexSchema>* indexes);

}  // namespace kmslab::ddb

#endif  // KMSLAB_DDB_INDEX_SCHEMA_H_
