#include "cli/flags.h"

namespace kmslab::cli {

core::StatusOr<Flags> ParseFlags(const std::vector<std::string>& args, const std::set<std::string>& known,
                                 const std::set<std::string>& switches) {
  Flags flags;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (!arg.starts_with("--")) {
      flags.positional.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2), value;
    if (switches.count(name)) {
      flags.values[name] = "true";
      continue;
    }
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else if (i + 1 < args.size() && !args[i + 1].starts_with("--")) {
      value = args[++i];
    } else {
      return core::InvalidArgument("--" + name + " needs a value");
    }
    if (!known.count(name)) return core::InvalidArgument("unknown flag --" + name);
    flags.values[name] = value;
  }
  return flags;
}

}  // namespace kmslab::cli
