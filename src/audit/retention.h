// Retention: how much of the audit trail a server keeps, as `--trail-retention`
// spells it: an age ("7d", "12h", "30m", "90s"), a size ("512MB", "64KB",
// "1GB", "4096B"), or both ("7d,512MB"); "none" keeps everything. Events older
// than the age are dropped; the size bounds the trail's files together: the
// JSONL copy (DATA/trail.jsonl and its rotated files) and trail.db's pages get
// half of it each. Plain values; no state.
#ifndef KMSLAB_AUDIT_RETENTION_H_
#define KMSLAB_AUDIT_RETENTION_H_

#include <cstdint>
#include <string>

#include "core/status.h"

namespace kmslab::audit {

struct Retention {
  int64_t max_age_ms = 0;  // 0: no age limit
  int64_t max_bytes = 0;   // 0: no size limit

  bool unlimited() const { return max_age_ms == 0 && max_bytes == 0; }
  // The share of max_bytes each copy of the trail may hold (0: no limit).
  int64_t bytes_per_copy() const { return max_bytes / 2; }
};

// The default: a week of history, and never more than 512 MB of disk.
inline constexpr const char* kDefaultRetention = "7d,512MB";

// Rotated JSONL files kept beside DATA/trail.jsonl: trail.jsonl.1 (newest) to
// trail.jsonl.<kRotatedFiles>. Each file holds at most
// bytes_per_copy() / (kRotatedFiles + 1).
inline constexpr int kRotatedFiles = 4;

// Parses the flag's text; an error names what is wrong.
core::StatusOr<Retention> ParseRetention(const std::string& text);

}  // namespace kmslab::audit

#endif  // KMSLAB_AUDIT_RETENTION_H_
