// DynamoDB Streams (docs/spec/dynamodb.md section 6): a table's stream
// setting, the streams it has had, and their records.
//
// Records follow items through OnItemChanged (AppendStreamRecord): each is
// sealed under the table's data key and committed with its item; in memory
// they are kept in clear, as items are. A stream outlives a disable and its
// table's deletion by the retention period; records are trimmed when older
// than it (Options::stream_retention_seconds), with no key needed, so a
// disabled KMS key does not stop the trim. Reading needs the table key as
// item reads do (Service::OpenTable), unless
// Options::streams_readable_while_key_unusable and the records are in memory.
#ifndef KMSLAB_DDB_STREAMS_H_
#define KMSLAB_DDB_STREAMS_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <rapidjson/document.h>

#include "core/status.h"
#include "ddb/item_changes.h"
#include "ddb/service.h"
#include "ddb/table.h"
#include "ddb/table_settings.h"
#include "store/records.h"

namespace kmslab::ddb {

std::string_view StreamViewTypeName(StreamViewType type);

// What a StreamSpecification asks for: a stream of `view_type`, or none.
struct StreamChoice {
  bool enabled = false;
  std::optional<StreamViewType> view_type;
};
// Reads StreamSpecification with AWS's texts; `creating` for CreateTable.
core::StatusOr<StreamChoice> ReadStreamSpecification(const rapidjson::Value& spec, bool creating);

// One record in memory: its sequence number, when it was written, its JSON.
struct StreamRecord {
  int64_t seq = 0;
  int64_t created_ms = 0;
  std::string json;
};

// One stream and its only shard. Guarded by Streams::mu.
struct Stream {
  std::string arn, label, table_id, table_name, account, region, shard_id;
  StreamViewType view_type = StreamViewType::kKeysOnly;
  int64_t created_ms = 0;
  int64_t disabled_ms = 0;      // 0 = ENABLED
  int64_t start_seq = 0;        // the shard's first sequence number
  int64_t end_seq = 0;          // the closed shard's last; 0 while open
  int64_t trimmed_through = 0;  // the highest sequence number trimmed
  int64_t oldest_ms = 0;        // the oldest record kept; 0 = none
  bool table_deleted = false;
  Tags tags;  // its own (TagResource on the stream ARN); a stream does not inherit its table's
  // The table's definition and keys (ddb_tables.meta form), as of the last
  // enable, disable or DeleteTable: what reads use once the table is gone.
  std::string table_meta;
  bool loaded = false;  // records below include those in the store
  std::map<int64_t, StreamRecord> records;  // by sequence number
  std::unordered_map<std::string, int64_t> access_until;  // deleted tables: principal -> ms
};

// Every stream of the service.
class Streams {
 public:
  Streams();
  core::Status Load(store::Store& store);
  void Clear();

  std::mutex mu;
  std::map<std::string, std::shared_ptr<Stream>> by_arn;  // guarded by mu
  std::atomic<int64_t> last_seq{0};
  const std::string iterator_key;  // random per process: iterators die with it
};

// CreateTable / UpdateTable: starts a stream of `view_type` on `table`, or
// closes the table's. Requires table.mu held exclusively; saves the stream
// (the caller saves the table).
core::Status StartTableStream(Service& s, Table& table, StreamViewType view_type);
core::Status StopTableStream(Service& s, Table& table);
// UpdateTable with StreamSpecification (and nothing else).
core::Status UpdateTableStream(Service& s, const kms::CallContext& call, const std::string& name,
                               const rapidjson::Value& spec, JsonWriter& out);
// DeleteTable: the table's streams close and stay readable for the retention.
// Requires table.mu held exclusively.
void OnTableDeleted(Service& s, Table& table);
// OnItemChanged: the change's record, if the table has a stream and the item changed.
void AppendStreamRecord(Service& s, Table& table, const ItemChange& change, std::vector<store::DdbItemWrite>& rows);
// DescribeTable's StreamSpecification, LatestStreamLabel and LatestStreamArn.
void WriteTableStream(JsonWriter& out, const Table& table);

// --- for the Streams API (ops/streams.cc) ---
// Drops records older than the retention and streams disabled longer than it.
void TrimStreams(Service& s);
// The caller's stream named by `arn`, or ResourceNotFoundException.
core::StatusOr<std::shared_ptr<Stream>> FindStream(Service& s, const kms::CallContext& call, const std::string& arn);
// The caller's stream named by `arn` while it is kept: enabled, or closed
// less than the retention ago (TrimStreams may not have dropped it yet).
// Null otherwise. `table_id`, when not empty, must be the stream's table's.
std::shared_ptr<Stream> KeptStream(Service& s, const kms::CallContext& call, const std::string& arn,
                                   const std::string& table_id = "");
// StreamStatus at `now_ms`: ENABLING for `transition_ms` after the stream
// started, then ENABLED; once closed, DISABLING for `transition_ms`, then
// DISABLED. Requires Streams::mu held.
std::string_view StreamStatusAt(const Stream& stream, int64_t now_ms, int64_t transition_ms);
// TagResource / UntagResource on a stream ARN: the stream's tags become
// `change(current tags)` and are saved (the old stay if saving fails);
// ResourceNotFoundException if the stream was dropped meanwhile.
core::Status ChangeStreamTags(Service& s, Stream& stream, const std::function<core::StatusOr<Tags>(const Tags&)>& change);
// ListTagsOfResource on a stream ARN.
Tags StreamTags(Service& s, const Stream& stream);
// Before reading records: the table key as item reads need it, and the
// records loaded. DynamoDB's data-plane errors on failure.
core::Status OpenStream(Service& s, const kms::CallContext& call, Stream& stream);

}  // namespace kmslab::ddb

#endif  // KMSLAB_DDB_STREAMS_H_
