// A table's settings as DynamoDB shapes them (docs/spec/dynamodb.md section
// 9): tags, deletion protection, table class. Guarded by the table's mu,
// inside TableState, and kept in ddb_tables.meta.
#ifndef KMSLAB_DDB_TABLE_SETTINGS_H_
#define KMSLAB_DDB_TABLE_SETTINGS_H_

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace kmslab::ddb {

enum class TableClass { kStandard, kStandardInfrequentAccess };
std::string_view TableClassName(TableClass c);

constexpr size_t kMaxTags = 50;
using Tags = std::vector<std::pair<std::string, std::string>>;  // in the order first set

// The billing mode an UpdateTable set (CreateTable's is in TableDefinition).
struct Billing {
  bool pay_per_request = false;
  int64_t read_capacity = 0, write_capacity = 0;  // 0 / 0 when pay_per_request
};

struct TableSettings {
  Tags tags;
  bool deletion_protection = false;
  TableClass table_class = TableClass::kStandard;
  // When the class was last set (CreateTable with TableClass or UpdateTable);
  // 0 = never: DescribeTable shows no TableClassSummary (absent = STANDARD).
  int64_t table_class_set_ms = 0;
  std::vector<int64_t> table_class_changes_ms;  // UpdateTable changes in the last 30 days, for the quota
  std::optional<Billing> billing;  // absent: the definition's, as created
  int64_t pay_per_request_since_ms = 0;  // the last UpdateTable to PAY_PER_REQUEST; 0 = never
};

// TableClass as a request names it, with AWS's text for anything else.
core::StatusOr<TableClass> ReadTableClass(const rapidjson::Value& value);
// A Tags list (CreateTable, TagResource): each {Key, Value} checked with
// AWS's texts; duplicate keys refused. Empty lists are the caller's check.
core::StatusOr<Tags> ReadTags(const rapidjson::Value& list);
// A tag key of UntagResource: 1-128 characters.
core::Status CheckTagKey(const std::string& key);
// `current` with `added` merged in (same key overwrites), refused past 50 tags.
core::StatusOr<Tags> MergeTags(const Tags& current, const Tags& added);
// The quota on table class changes: 2 per 30 days (LimitExceededException).
core::Status CheckTableClassQuota(std::vector<int64_t>& changes_ms, int64_t now_ms);

// A tag list in stored meta JSON ([[key, value], ...]), and back (malformed
// entries skipped; null or not an array: none).
void WriteTagList(rapidjson::Writer<rapidjson::StringBuffer>& w, const Tags& tags);
Tags ReadTagList(const rapidjson::Value* list);

// The TableSettings members of the table's meta JSON, and back (absent = defaults).
void WriteSettingsMeta(rapidjson::Writer<rapidjson::StringBuffer>& w, const TableSettings& settings);
void ReadSettingsMeta(const rapidjson::Value& meta, TableSettings* settings);

}  // namespace kmslab::ddb

#endif  // KMSLAB_DDB_TABLE_SETTINGS_H_
