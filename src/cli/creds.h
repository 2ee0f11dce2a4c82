// `kmslab creds NAME`: prints export lines for a fixture principal's keys.
#ifndef KMSLAB_CLI_CREDS_H_
#define KMSLAB_CLI_CREDS_H_

#include <string>
#include <vector>

namespace kmslab::cli {

int Creds(const std::vector<std::string>& args);

}  // namespace kmslab::cli

#endif  // KMSLAB_CLI_CREDS_H_
