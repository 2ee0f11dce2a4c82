// kmslab: a local AWS KMS that authorizes every call. `kmslab --help` lists
// the commands and their options (src/cli/command_line.cc).
#include <iostream>
#include <string>
#include <vector>

#include "cli/check.h"
#include "cli/command_line.h"
#include "cli/creds.h"
#include "cli/explain.h"
#include "cli/serve.h"
#include "cli/trail.h"

namespace {
// Each command's options run that command.
struct Run {
  int operator()(const kmslab::cli::ServeOptions& options) const { return kmslab::cli::Serve(options); }
  int operator()(const kmslab::cli::ExplainOptions& options) const { return kmslab::cli::Explain(options); }
  int operator()(const kmslab::cli::CredsOptions& options) const { return kmslab::cli::Creds(options); }
  int operator()(const kmslab::cli::TrailOptions& options) const { return kmslab::cli::Trail(options); }
  int operator()(const kmslab::cli::CheckOptions& options) const { return kmslab::cli::Check(options); }
};
}  // namespace

int main(int argc, char** argv) {
  const kmslab::cli::ParsedCommandLine parsed =
      kmslab::cli::ParseCommandLine(std::vector<std::string>(argv + 1, argv + argc), std::cout, std::cerr);
  if (!parsed.invocation) return parsed.exit_status;
  return std::visit(Run{}, *parsed.invocation);
}
