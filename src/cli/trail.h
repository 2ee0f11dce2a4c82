// `kmslab trail`: the audit trail, filtered, as a readable table or JSON
// lines; and the filter both it and GET /_kmslab/trail take.
#ifndef KMSLAB_CLI_TRAIL_H_
#define KMSLAB_CLI_TRAIL_H_

#include <map>
#include <string>

#include "cli/command_line.h"
#include "core/status.h"
#include "store/records.h"

namespace kmslab::cli {

// Fields: principal, eventName, keyId, errorCode ("any" = every failure),
// decision, since / until (ISO 8601, 2026-11-23T04:00:00Z), requestId, limit.
// Unknown fields and malformed values are errors.
core::StatusOr<store::AuditFilter> ParseTrailFilter(const std::map<std::string, std::string>& fields);

// An ISO 8601 time such as 2026-11-23T04:00:00Z, in epoch milliseconds; the
// error says what is expected.
core::StatusOr<int64_t> ParseTrailTime(const std::string& text);

// Returns the process exit code.
int Trail(const TrailOptions& options);

}  // namespace kmslab::cli

#endif  // KMSLAB_CLI_TRAIL_H_
