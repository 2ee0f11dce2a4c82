// Minimal "--name value" / "--name=value" flag parsing for the subcommands.
#ifndef KMSLAB_CLI_FLAGS_H_
#define KMSLAB_CLI_FLAGS_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/status.h"

namespace kmslab::cli {

// The bundled fixture set (the source tree's fixtures/), set by the build.
inline constexpr const char* kDefaultFixturesDir = KMSLAB_DEFAULT_FIXTURES;

struct Flags {
  std::map<std::string, std::string> values;
  std::vector<std::string> positional;

  std::string Get(const std::string& name, const std::string& fallback) const {
    auto it = values.find(name);
    return it == values.end() ? fallback : it->second;
  }
};

// Every flag must be in `known` (takes a value) or `switches` (takes none;
// its value is "true").
core::StatusOr<Flags> ParseFlags(const std::vector<std::string>& args, const std::set<std::string>& known,
                                 const std::set<std::string>& switches = {});

}  // namespace kmslab::cli

#endif  // KMSLAB_CLI_FLAGS_H_
