// `kmslab explain`: evaluates one request offline with the policy engine and
// says why it is allowed or denied; or, with --request-id, prints the
// explanation the server recorded for a denial it returned.
#ifndef KMSLAB_CLI_EXPLAIN_H_
#define KMSLAB_CLI_EXPLAIN_H_

#include "cli/command_line.h"

namespace kmslab::cli {

int Explain(const ExplainOptions& options);

}  // namespace kmslab::cli

#endif  // KMSLAB_CLI_EXPLAIN_H_
