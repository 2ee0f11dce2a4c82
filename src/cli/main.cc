// kmslab: a local AWS KMS that authorizes every call.
#include <iostream>
#include <string>
#include <vector>

#include "cli/check.h"
#include "cli/creds.h"
#include "cli/explain.h"
#include "cli/serve.h"
#include "cli/trail.h"

namespace {
constexpr char kUsage[] =
    "usage: kmslab <command> [flags]\n"
    "\n"
    "commands:\n"
    "  serve   run the server: --host 127.0.0.1 --port 4599 --data ./data --account 111122223333\n"
    "          --region us-east-1 --threads 16 --fixtures DIR --auth strict|open\n"
    "          --grant-delay SECONDS --trail-retention AGE,SIZE|none (default 7d,512MB);\n"
    "          --tls (HTTPS; a self-signed certificate in DATA/tls/ unless --tls-cert FILE --tls-key FILE)\n"
    "          AWS ambiguities (defaults as AWS is observed):\n"
    "          --key-state-before-access --pending-deletion-disabled --modelled-http-status\n"
    "          --ddb-data-events (DynamoDB item calls in the trail too)\n"
    "          --ddb-bare-validation-texts (item-call validation texts without DynamoDB's\n"
    "          2026 \"1 validation error detected: \" prefix)\n"
    "          --ddb-stream-retention-seconds N (stream records kept, default 86400)\n"
    "          --ddb-stream-transition-seconds N (streams ENABLING / DISABLING, default 5)\n"
    "          --ddb-pitr-setup-seconds N (a new table refuses UpdateContinuousBackups, default 5)\n"
    "          --ddb-streams-readable-while-key-unusable (stream reads ignore a disabled table key)\n"
    "  explain FILE|-   evaluate one request offline (--json, --fixtures DIR); or\n"
    "  explain --request-id ID --data DIR   the explanation of a denial the server returned\n"
    "  creds NAME       export lines for a fixture principal's access key (--fixtures DIR)\n"
    "  check PATH...    run scenario files (labs/): each on fresh in-process state, or with\n"
    "                   --endpoint http://HOST:PORT against a running server (--admin-token T);\n"
    "                   --fixtures DIR; exit 0 all met, 1 some failed, 2 bad input\n";
}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  const std::string command = args[0];
  args.erase(args.begin());
  if (command == "serve") return kmslab::cli::Serve(args);
  if (command == "explain") return kmslab::cli::Explain(args);
  if (command == "creds") return kmslab::cli::Creds(args);
  if (command == "trail") return kmslab::cli::Trail(args);
  if (command == "check") return kmslab::cli::Check(args);
  std::cerr << "kmslab: unknown command '" << command << "'\n" << kUsage;
  return 2;
}
