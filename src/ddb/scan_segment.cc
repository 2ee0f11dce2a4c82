#include "ddb/scan_segment.h"

namespace kmslab::ddb {

int64_t SegmentOf(std::string_view partition_key, int64_t total_segments) {
  uint64_t hash = 14695981039346656037ULL;
  for (char c : partition_key) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return static_cast<int64_t>(hash % static_cast<uint64_t>(total_segments));
}

}  // namespace kmslab::ddb
