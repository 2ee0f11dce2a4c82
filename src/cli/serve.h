// `kmslab serve`: runs the server until SIGINT or SIGTERM.
#ifndef KMSLAB_CLI_SERVE_H_
#define KMSLAB_CLI_SERVE_H_

#include "cli/command_line.h"

namespace kmslab::cli {

// Returns the process exit code.
int Serve(const ServeOptions& options);

}  // namespace kmslab::cli

#endif  // KMSLAB_CLI_SERVE_H_
