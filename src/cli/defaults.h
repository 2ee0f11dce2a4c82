// The defaults every subcommand shares, so that `kmslab trail` and
// `kmslab explain --request-id` read the data directory `kmslab serve` wrote
// when none of them is told where it is.
#ifndef KMSLAB_CLI_DEFAULTS_H_
#define KMSLAB_CLI_DEFAULTS_H_

namespace kmslab::cli::defaults {

inline constexpr const char* kDataDir = "./data";
// The bundled fixture set (the source tree's fixtures/), set by the build.
inline constexpr const char* kFixturesDir = KMSLAB_DEFAULT_FIXTURES;
// Loopback only unless told otherwise.
inline constexpr const char* kHost = "127.0.0.1";
inline constexpr int kPort = 4599;
// The account and Region of unauthenticated callers in open mode (`--auth open`).
inline constexpr const char* kAccount = "111122223333";
inline constexpr const char* kRegion = "us-east-1";

}  // namespace kmslab::cli::defaults

#endif  // KMSLAB_CLI_DEFAULTS_H_
