#include "ddb/stream_wire.h"

#include <doctest/doctest.h>

namespace kmslab::ddb {

TEST_CASE("stream labels carry milliseconds, no zone") {
  CHECK(StreamLabel(1431379293291) == "2015-05-11T21:21:33.291");
  CHECK(StreamLabel(1431379293000) == "2015-05-11T21:21:33.000");
}

TEST_CASE("sequence numbers are 21 digits in numeric order and parse back") {
  CHECK(FormatSequenceNumber(1) == "100000000000000000001");
  CHECK(FormatSequenceNumber(42).size() == 21);
  CHECK(FormatSequenceNumber(9) < FormatSequenceNumber(10));
  CHECK(ParseSequenceNumber(FormatSequenceNumber(123456)) == std::optional<int64_t>(123456));
  CHECK_FALSE(ParseSequenceNumber("000000000000000000001"));
  CHECK_FALSE(ParseSequenceNumber("12"));
  CHECK_FALSE(ParseSequenceNumber("1000000000000000000x1"));
}

TEST_CASE("shard iterators round-trip and refuse forgeries") {
  const std::string key = "0123456789abcdef0123456789abcdef";
  ShardPosition p{"arn:aws:dynamodb:us-east-1:111122223333:table/T/stream/2015-05-11T21:21:33.291",
                  "shardId-00000001431379293291-0a1b2c3d", 17, 1431379293291};
  const std::string it = EncodeShardIterator(p, key);
  CHECK(it.starts_with(p.stream_arn + "|1|"));
  CHECK(it.size() <= kMaxShardIteratorChars);
  auto back = DecodeShardIterator(it, key);
  REQUIRE(back);
  CHECK(back->stream_arn == p.stream_arn);
  CHECK(back->shard_id == p.shard_id);
  CHECK(back->after_seq == 17);
  CHECK(back->issued_ms == p.issued_ms);
  CHECK_FALSE(DecodeShardIterator(it, "another key"));
  std::string tampered = it;
  tampered[10] = tampered[10] == 'x' ? 'y' : 'x';  // another stream
  CHECK_FALSE(DecodeShardIterator(tampered, key));
  CHECK_FALSE(DecodeShardIterator("", key));
  CHECK_FALSE(DecodeShardIterator("garbage", key));
  CHECK_FALSE(DecodeShardIterator("a|1|!!!", key));
  CHECK_FALSE(DecodeShardIterator(std::string(3000, 'a'), key));
}

}  // namespace kmslab::ddb
