// DynamoDB Streams' wire values (ddb/stream_wire.cc): shard iterators and
// sequence numbers from arbitrary text, and for every one that parses a
// round trip that must give it back. Input: the first line is read as a
// sequence number, the rest as a shard iterator under a fixed MAC key.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ddb/stream_wire.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kmslab;
  constexpr std::string_view kMacKey = "fuzz-iterator-key-of-32-bytes!!!";
  fuzz::FuzzInput input(data, size);
  const std::string_view sequence = input.Line();
  if (std::optional<int64_t> seq = ddb::ParseSequenceNumber(sequence)) {
    if (ddb::ParseSequenceNumber(ddb::FormatSequenceNumber(*seq)) != seq) __builtin_trap();
  }
  const std::string_view iterator = input.Rest();
  std::optional<ddb::ShardPosition> position = ddb::DecodeShardIterator(iterator, kMacKey);
  if (!position) return 0;
  if (iterator.size() > ddb::kMaxShardIteratorChars) __builtin_trap();
  std::optional<ddb::ShardPosition> again =
      ddb::DecodeShardIterator(ddb::EncodeShardIterator(*position, kMacKey), kMacKey);
  if (!again || again->stream_arn != position->stream_arn || again->shard_id != position->shard_id ||
      again->after_seq != position->after_seq || again->issued_ms != position->issued_ms) {
    __builtin_trap();
  }
  return 0;
}
