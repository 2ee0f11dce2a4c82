// `kmslab creds NAME`: prints export lines for a fixture principal's keys.
#ifndef KMSLAB_CLI_CREDS_H_
#define KMSLAB_CLI_CREDS_H_

#include "cli/command_line.h"

namespace kmslab::cli {

int Creds(const CredsOptions& options);

}  // namespace kmslab::cli

#endif  // KMSLAB_CLI_CREDS_H_
