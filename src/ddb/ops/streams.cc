// The DynamoDB Streams API (docs/spec/dynamodb.md section 6.2): ListStreams,
// DescribeStream, GetShardIterator and GetRecords, authorized as
// dynamodb:<Op> on "*" (ListStreams) or the stream's ARN.
#include <algorithm>

#include "ddb/operations.h"
#include "ddb/ops/common.h"
#include "ddb/stream_wire.h"
#include "ddb/streams.h"

namespace kmslab::ddb::ops {

namespace {

constexpr int64_t kIteratorLifetimeMs = 15 * 60 * 1000;
constexpr size_t kMaxRecordsBytes = 1024 * 1024;

core::Status Constraint(const std::string& value, const char* field, const std::string& constraint) {
  return ValidationError("1 validation error detected: Value '" + value + "' at '" + field +
                         "' failed to satisfy constraint: " + constraint);
}

// A string member of `min`..`max` characters; absent -> nullopt.
core::StatusOr<std::optional<std::string>> BoundedString(const rapidjson::Value& body, const char* member,
                                                         const char* field, size_t min, size_t max) {
  ASSIGN_OR_RETURN(std::optional<std::string> v, OptionalString(body, member));
  if (v && v->size() < min) {
    return Constraint(*v, field, "Member must have length greater than or equal to " + std::to_string(min));
  }
  if (v && v->size() > max) {
    return Constraint(v->substr(0, 64) + "...", field,
                      "Member must have length less than or equal to " + std::to_string(max));
  }
  return v;
}

core::StatusOr<std::string> RequiredBoundedString(const rapidjson::Value& body, const char* member, const char* field,
                                                  size_t min, size_t max) {
  ASSIGN_OR_RETURN(std::optional<std::string> v, BoundedString(body, member, field, min, max));
  if (!v) return NullMember(field);
  return *v;
}

// Limit: 1..`max` (ListStreams, DescribeStream); GetRecords reads its own.
core::StatusOr<std::optional<int64_t>> OptionalLimit(const rapidjson::Value& body) {
  const rapidjson::Value* v = FindMember(body, "Limit");
  if (!v) return std::optional<int64_t>();
  if (!v->IsInt64()) return SerializationError("Unexpected value type for Limit");
  if (v->GetInt64() < 1) {
    return Constraint(std::to_string(v->GetInt64()), "limit", "Member must have value greater than or equal to 1");
  }
  return std::optional<int64_t>(v->GetInt64());
}

core::Status CheckListLimit(const std::optional<int64_t>& limit) {
  if (limit && *limit > 100) {
    return Constraint(std::to_string(*limit), "limit", "Member must have value less than or equal to 100");
  }
  return core::Status();
}


}  // namespace

struct ListStreamsOp {
  static constexpr const char* kName = "ListStreams";
  struct Request {
    std::optional<std::string> table, start;
    int64_t limit = 100;
  };
  static core::Status Read(const rapidjson::Value& body, Request& q) {
    if (FindMember(body, "TableName")) {
      ASSIGN_OR_RETURN(q.table, RequiredName(body, "TableName", "tableName"));
    }
    ASSIGN_OR_RETURN(q.start, BoundedString(body, "ExclusiveStartStreamArn", "exclusiveStartStreamArn", 37, 1024));
    ASSIGN_OR_RETURN(std::optional<int64_t> limit, OptionalLimit(body));
    RETURN_IF_ERROR(CheckListLimit(limit));
    q.limit = limit.value_or(100);
    return core::Status();
  }
  static core::Status Resolve(Service&, const kms::CallContext&, const Request&, Plan& plan) {
    plan.Require("*");
    return core::Status();
  }
  static core::Status Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out) {
    TrimStreams(s);
    struct Entry {
      std::string arn, table, label;
    };
    std::vector<Entry> list;
    {
      std::lock_guard<std::mutex> lock(s.streams().mu);
      for (const auto& [arn, st] : s.streams().by_arn) {
        if (st->account != call.caller->account || st->region != call.region) continue;
        if (q.table && st->table_name != *q.table) continue;
        if (q.start && arn <= *q.start) continue;
        list.push_back({arn, st->table_name, st->label});
      }
    }
    out.StartObject();
    out.Key("Streams");
    out.StartArray();
    const size_t n = std::min(list.size(), static_cast<size_t>(q.limit));
    for (size_t i = 0; i < n; ++i) {
      out.StartObject();
      out.Key("StreamArn");
      out.String(list[i].arn);
      out.Key("TableName");
      out.String(list[i].table);
      out.Key("StreamLabel");
      out.String(list[i].label);
      out.EndObject();
    }
    out.EndArray();
    if (n < list.size()) {
      out.Key("LastEvaluatedStreamArn");
      out.String(list[n - 1].arn);
    }
    out.EndObject();
    return core::Status();
  }
};
KMSLAB_DDB_OPERATION(ListStreams);

struct DescribeStreamOp {
  static constexpr const char* kName = "DescribeStream";
  struct Request {
    std::string arn;
    std::optional<std::string> start_shard, child_of;
  };
  static core::Status Read(const rapidjson::Value& body, Request& q) {
    ASSIGN_OR_RETURN(q.arn, RequiredBoundedString(body, "StreamArn", "streamArn", 37, 1024));
    ASSIGN_OR_RETURN(std::optional<int64_t> limit, OptionalLimit(body));
    RETURN_IF_ERROR(CheckListLimit(limit));
    ASSIGN_OR_RETURN(q.start_shard, BoundedString(body, "ExclusiveStartShardId", "exclusiveStartShardId", 28, 65));
    ASSIGN_OR_RETURN(const rapidjson::Value* filter, OptionalObject(body, "ShardFilter"));
    if (filter) {
      ASSIGN_OR_RETURN(std::optional<std::string> type, OptionalString(*filter, "Type"));
      if (type && *type != "CHILD_SHARDS") {
        return Constraint(*type, "shardFilter.type", "Member must satisfy enum value set: [CHILD_SHARDS]");
      }
      ASSIGN_OR_RETURN(q.child_of, BoundedString(*filter, "ShardId", "shardFilter.shardId", 28, 65));
      if (!q.child_of) q.child_of = "";
    }
    return core::Status();
  }
  static core::Status Resolve(Service&, const kms::CallContext&, const Request& q, Plan& plan) {
    plan.Require(q.arn);
    return core::Status();
  }
  static core::Status Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out) {
    TrimStreams(s);
    ASSIGN_OR_RETURN(std::shared_ptr<Stream> found, FindStream(s, call, q.arn));
    std::lock_guard<std::mutex> lock(s.streams().mu);
    const Stream& st = *found;
    TableDefinition definition;
    TableState state;
    RETURN_IF_ERROR(DecodeTableMeta(st.table_meta, &definition, &state));
    out.StartObject();
    out.Key("StreamDescription");
    out.StartObject();
    out.Key("StreamArn");
    out.String(st.arn);
    out.Key("StreamLabel");
    out.String(st.label);
    out.Key("StreamStatus");
    out.String(StreamStatusAt(st, s.NowMillis(), s.options().stream_transition_seconds * 1000).data());
    out.Key("StreamViewType");
    out.String(StreamViewTypeName(st.view_type).data());
    out.Key("CreationRequestDateTime");
    WriteTime(out, st.created_ms);
    out.Key("TableName");
    out.String(st.table_name);
    out.Key("KeySchema");
    WriteKeySchema(out, definition);
    out.Key("Shards");
    out.StartArray();
    // One shard, never a child of another.
    if (!q.start_shard && !q.child_of) {
      out.StartObject();
      out.Key("ShardId");
      out.String(st.shard_id);
      out.Key("SequenceNumberRange");
      out.StartObject();
      out.Key("StartingSequenceNumber");
      out.String(FormatSequenceNumber(st.start_seq));
      if (st.disabled_ms) {
        out.Key("EndingSequenceNumber");
        out.String(FormatSequenceNumber(st.end_seq));
      }
      out.EndObject();
      out.EndObject();
    }
    out.EndArray();
    out.EndObject();
    out.EndObject();
    return core::Status();
  }
};
KMSLAB_DDB_OPERATION(DescribeStream);

struct GetShardIteratorOp {
  static constexpr const char* kName = "GetShardIterator";
  enum class Type { kTrimHorizon, kLatest, kAtSequenceNumber, kAfterSequenceNumber };
  struct Request {
    std::string arn, shard_id;
    Type type = Type::kTrimHorizon;
    int64_t seq = 0;
  };
  static core::Status Read(const rapidjson::Value& body, Request& q) {
    ASSIGN_OR_RETURN(q.arn, RequiredBoundedString(body, "StreamArn", "streamArn", 37, 1024));
    ASSIGN_OR_RETURN(q.shard_id, RequiredBoundedString(body, "ShardId", "shardId", 28, 65));
    ASSIGN_OR_RETURN(std::string type, RequiredString(body, "ShardIteratorType", "shardIteratorType"));
    constexpr const char* kTypes[] = {"TRIM_HORIZON", "LATEST", "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"};
    const auto* found = std::find(std::begin(kTypes), std::end(kTypes), type);
    if (found == std::end(kTypes)) {
      return Constraint(type, "shardIteratorType",
                        "Member must satisfy enum value set: [AFTER_SEQUENCE_NUMBER, LATEST, AT_SEQUENCE_NUMBER, "
                        "TRIM_HORIZON]");
    }
    q.type = static_cast<Type>(found - std::begin(kTypes));
    ASSIGN_OR_RETURN(std::optional<std::string> seq, BoundedString(body, "SequenceNumber", "sequenceNumber", 21, 40));
    const bool needs_seq = q.type == Type::kAtSequenceNumber || q.type == Type::kAfterSequenceNumber;
    if (needs_seq && !seq) {
      return ValidationError("SequenceNumber must be specified for ShardIteratorType " + type);
    }
    if (needs_seq) {  // other types ignore it
      auto parsed = ParseSequenceNumber(*seq);
      if (!parsed) return ValidationError("Invalid SequenceNumber: " + *seq);
      q.seq = *parsed;
    }
    return core::Status();
  }
  static core::Status Resolve(Service&, const kms::CallContext&, const Request& q, Plan& plan) {
    plan.Require(q.arn);
    return core::Status();
  }
  static core::Status Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out) {
    TrimStreams(s);
    ASSIGN_OR_RETURN(std::shared_ptr<Stream> st, FindStream(s, call, q.arn));
    if (q.shard_id != st->shard_id) {
      return ResourceNotFound("Requested resource not found: Shard: " + q.shard_id + " in Stream: " + q.arn +
                              " not found");
    }
    RETURN_IF_ERROR(OpenStream(s, call, *st));
    int64_t after = 0;
    {
      std::lock_guard<std::mutex> lock(s.streams().mu);
      const int64_t horizon = std::max(st->trimmed_through, st->start_seq - 1);
      switch (q.type) {
        case Type::kTrimHorizon:
          after = horizon;
          break;
        case Type::kLatest:
          after = st->disabled_ms ? st->end_seq : s.streams().last_seq.load();
          break;
        case Type::kAtSequenceNumber:
        case Type::kAfterSequenceNumber:
          after = q.type == Type::kAtSequenceNumber ? q.seq - 1 : q.seq;
          if (after < st->trimmed_through) return TrimmedDataAccess();
          if (q.seq < st->start_seq || (st->disabled_ms && q.seq > st->end_seq)) {
            return ValidationError("Invalid SequenceNumber: " + FormatSequenceNumber(q.seq) + " is not in shard " +
                                   st->shard_id);
          }
          break;
      }
    }
    out.StartObject();
    out.Key("ShardIterator");
    out.String(EncodeShardIterator({st->arn, st->shard_id, after, s.NowMillis()}, s.streams().iterator_key));
    out.EndObject();
    return core::Status();
  }
};
KMSLAB_DDB_OPERATION(GetShardIterator);

// A shard iterator this process issued, or ValidationException.
core::StatusOr<ShardPosition> DecodeIterator(Service& s, const std::string& text) {
  std::optional<ShardPosition> position = DecodeShardIterator(text, s.streams().iterator_key);
  if (!position) return ValidationError("Invalid ShardIterator");
  return *position;
}

struct GetRecordsOp {
  static constexpr const char* kName = "GetRecords";
  struct Request {
    std::string iterator;
    int64_t limit = 1000;
  };
  static core::Status Read(const rapidjson::Value& body, Request& q) {
    ASSIGN_OR_RETURN(q.iterator,
                     RequiredBoundedString(body, "ShardIterator", "shardIterator", 1, kMaxShardIteratorChars));
    ASSIGN_OR_RETURN(std::optional<int64_t> limit, OptionalLimit(body));
    if (limit && *limit > 1000) {
      return LimitExceeded("Limit must be less than or equal to 1000: " + std::to_string(*limit));
    }
    q.limit = limit.value_or(1000);
    return core::Status();
  }
  // The iterator is checked (its HMAC) before authorization, so only the
  // stream it names is authorized.
  static core::Status Resolve(Service& s, const kms::CallContext&, const Request& q, Plan& plan) {
    ASSIGN_OR_RETURN(ShardPosition position, DecodeIterator(s, q.iterator));
    plan.Require(position.stream_arn);
    return core::Status();
  }
  static core::Status Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out) {
    ASSIGN_OR_RETURN(ShardPosition position, DecodeIterator(s, q.iterator));
    const int64_t now = s.NowMillis();
    if (now - position.issued_ms > kIteratorLifetimeMs) return ExpiredIterator();
    TrimStreams(s);
    ASSIGN_OR_RETURN(std::shared_ptr<Stream> st, FindStream(s, call, position.stream_arn));
    if (position.shard_id != st->shard_id) {
      return ResourceNotFound("Requested resource not found: Shard: " + position.shard_id + " in Stream: " +
                              position.stream_arn + " not found");
    }
    {
      std::lock_guard<std::mutex> lock(s.streams().mu);
      if (position.after_seq < st->trimmed_through) return TrimmedDataAccess();
    }
    RETURN_IF_ERROR(OpenStream(s, call, *st));
    std::lock_guard<std::mutex> lock(s.streams().mu);
    if (position.after_seq < st->trimmed_through) return TrimmedDataAccess();
    out.StartObject();
    out.Key("Records");
    out.StartArray();
    int64_t after = position.after_seq;
    size_t bytes = 0;
    int64_t count = 0;
    auto it = st->records.upper_bound(after);
    for (; it != st->records.end() && count < q.limit; ++it, ++count) {
      if (count > 0 && bytes + it->second.json.size() > kMaxRecordsBytes) break;
      bytes += it->second.json.size();
      out.RawValue(it->second.json.data(), it->second.json.size(), rapidjson::kObjectType);
      after = it->first;
    }
    out.EndArray();
    // A closed shard read to its end has no next iterator.
    const bool drained = st->disabled_ms && it == st->records.end();
    if (!drained) {
      out.Key("NextShardIterator");
      out.String(EncodeShardIterator({st->arn, st->shard_id, after, now}, s.streams().iterator_key));
    }
    out.EndObject();
    return core::Status();
  }
};
KMSLAB_DDB_OPERATION(GetRecords);

}  // namespace kmslab::ddb::ops
