// Reading the files kmslab's commands are given (scenario files and their
// includes, explain input, fixtures) with a bound: a path naming a device or
// a FIFO, or a file larger than the limit, is an error rather than an endless
// or unbounded read.
#ifndef KMSLAB_CORE_TEXT_FILE_H_
#define KMSLAB_CORE_TEXT_FILE_H_

#include <cstddef>
#include <istream>
#include <string>

#include "core/status.h"

namespace kmslab::core {

inline constexpr size_t kMaxTextFileBytes = 16 * 1024 * 1024;

// The whole of the regular file at `path`. kNotFound when it cannot be
// opened; InvalidArgument when it is not a regular file or holds more than
// `max_bytes`.
StatusOr<std::string> ReadTextFile(const std::string& path, size_t max_bytes = kMaxTextFileBytes);

// What `in` holds up to its end (standard input, say); InvalidArgument past
// `max_bytes`.
StatusOr<std::string> ReadStream(std::istream& in, size_t max_bytes = kMaxTextFileBytes);

}  // namespace kmslab::core

#endif  // KMSLAB_CORE_TEXT_FILE_H_
