// Parallel Scan: which segment of TotalSegments a partition belongs to.
// Pure: thread-safe.
#ifndef KMSLAB_DDB_SCAN_SEGMENT_H_
#define KMSLAB_DDB_SCAN_SEGMENT_H_

#include <cstdint>
#include <string_view>

namespace kmslab::ddb {

// The segment (0 .. total_segments - 1) that scans the items of the partition
// whose key bytes are `partition_key`: a stable hash (FNV-1a, 64 bits) of the
// bytes modulo `total_segments`, so every item lies in exactly one segment,
// the same one across calls and restarts. Precondition: total_segments >= 1.
int64_t SegmentOf(std::string_view partition_key, int64_t total_segments);

}  // namespace kmslab::ddb

#endif  // KMSLAB_DDB_SCAN_SEGMENT_H_
