// DynamoDB Streams' wire values (docs/spec/dynamodb.md section 6.2):
// stream labels, sequence numbers and shard iterators. Pure functions.
#ifndef KMSLAB_DDB_STREAM_WIRE_H_
#define KMSLAB_DDB_STREAM_WIRE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kmslab::ddb {

// The stream label of a stream created at `ms`: "2015-05-11T21:21:33.291" (UTC).
std::string StreamLabel(int64_t ms);

// A sequence number as the API shows it: 21 digits, "1" and then the
// counter zero-padded to 20, so text order is numeric order.
std::string FormatSequenceNumber(int64_t seq);
// The counter of a sequence number FormatSequenceNumber wrote; nullopt for
// any other text.
std::optional<int64_t> ParseSequenceNumber(std::string_view text);

// Where a shard iterator reads from: the records after `after_seq`.
struct ShardPosition {
  std::string stream_arn;
  std::string shard_id;
  int64_t after_seq = 0;
  int64_t issued_ms = 0;
};
inline constexpr size_t kMaxShardIteratorChars = 2048;
// "<stream arn>|1|<base64>": the base64 payload carries the shard, the
// position, the issue time and an HMAC of all of it under `mac_key`.
std::string EncodeShardIterator(const ShardPosition& position, std::string_view mac_key);
// The position of an iterator EncodeShardIterator made with `mac_key`;
// nullopt for anything else (forged, truncated, too long).
std::optional<ShardPosition> DecodeShardIterator(std::string_view text, std::string_view mac_key);

}  // namespace kmslab::ddb

#endif  // KMSLAB_DDB_STREAM_WIRE_H_
