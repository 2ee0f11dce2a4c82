// The command line of `kmslab`: its subcommands, each option declared once
// (name, default, range, help text, environment variable), read into the
// typed options each subcommand runs with.
//
// Every option can also come from the environment variable KMSLAB_<NAME>
// (`--ddb-data-events` from KMSLAB_DDB_DATA_EVENTS; a switch takes 1/0,
// true/false, on/off, yes/no); the command line wins over the environment.
#ifndef KMSLAB_CLI_COMMAND_LINE_H_
#define KMSLAB_CLI_COMMAND_LINE_H_

#include <optional>
#include <ostream>
#include <string>
#include <variant>
#include <vector>

#include "cli/defaults.h"
#include "cli/serve_tls.h"
#include "cli/stack.h"
#include "http/server.h"
#include "store/records.h"

namespace kmslab::cli {

// `kmslab serve`. `stack` carries every option the server's parts take, with
// the trail retention at audit::kDefaultRetention unless given.
struct ServeOptions {
  std::string host = defaults::kHost;
  int port = defaults::kPort;  // 0: a free port, printed when listening
  int threads = http::ServerOptions{}.worker_threads;
  TlsFlags tls;  // HTTPS (serve_tls.h)
  StackOptions stack;
};

// `kmslab explain`: offline evaluation of `file` ("-": standard input), or
// with `request_id` the explanation the server recorded in `data_dir`.
struct ExplainOptions {
  std::string file = "-";
  std::string fixtures_dir = defaults::kFixturesDir;
  std::optional<std::string> request_id;
  std::string data_dir = defaults::kDataDir;
  bool json = false;
};

// `kmslab creds NAME`.
struct CredsOptions {
  std::string name;
  std::string fixtures_dir = defaults::kFixturesDir;
};

// `kmslab trail`: the events of `data_dir`'s trail that pass `filter`.
struct TrailOptions {
  std::string data_dir = defaults::kDataDir;
  store::AuditFilter filter;
  bool json = false;
};

// http://HOST:PORT of a running server.
struct Endpoint {
  std::string host;
  int port = 0;
};

// `kmslab check PATH...`: in-process, or against `endpoint` when set.
struct CheckOptions {
  std::vector<std::string> paths;
  std::string fixtures_dir = defaults::kFixturesDir;
  std::optional<Endpoint> endpoint;
  std::string admin_token;  // only with endpoint
};

using Invocation = std::variant<ServeOptions, ExplainOptions, CredsOptions, TrailOptions, CheckOptions>;

// The exit status of a command line that cannot be run.
inline constexpr int kUsageExitStatus = 2;

// A command to run, or, when `invocation` is empty, the exit status of a
// command line already answered: 0 after --help or --version (printed on
// `out`), kUsageExitStatus after a usage error (one line naming the flag and
// pointing to --help, on `err`; no command at all: the help, on `err`).
struct ParsedCommandLine {
  std::optional<Invocation> invocation;
  int exit_status = 0;
};

// `args` are the arguments after the program name.
ParsedCommandLine ParseCommandLine(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace kmslab::cli

#endif  // KMSLAB_CLI_COMMAND_LINE_H_
