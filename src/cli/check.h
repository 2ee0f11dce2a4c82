// `kmslab check PATH...`: runs scenario files (labs/README.md), each on empty
// state: in-process on a fresh Stack over a temporary data directory, or with
// --endpoint against a running server (reset before each scenario). Every call
// is a SigV4-signed HTTP request built by one code path; only the transport
// differs. Prints one line per step and a summary per scenario. Exit status:
// 0 every step met its expectation, 1 some did not, 2 usage, file or
// server-setup errors.
#ifndef KMSLAB_CLI_CHECK_H_
#define KMSLAB_CLI_CHECK_H_

#include "cli/command_line.h"

namespace kmslab::cli {

int Check(const CheckOptions& options);

}  // namespace kmslab::cli

#endif  // KMSLAB_CLI_CHECK_H_
