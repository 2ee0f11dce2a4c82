// The floor server's cpp-httplib tuning (tools/bench/floor.cc): the settings
// `kmslab serve` ran with while it was built on cpp-httplib, kept unchanged so
// the floor stays a fixed reference point for the benchmark. Not thread-safe:
// apply before serving.
//
// Debian's cpp-httplib defaults serve ~38 requests/s per connection (Nagle plus
// delayed ACK), with 8 pool threads, 5 requests per keep-alive connection and a
// compiled-in listen backlog of 5. BindTuned() fixes all of these.
#ifndef KMSLAB_TOOLS_BENCH_FLOOR_TUNING_H_
#define KMSLAB_TOOLS_BENCH_FLOOR_TUNING_H_

#include <httplib.h>

#include <string>

namespace kmslab::bench {

struct Tuning {
  int threads = 64;                   // one per live keep-alive connection
  size_t keep_alive_max = 100000;     // requests per connection before close
  int keep_alive_timeout_seconds = 5;    // idle connections also delay shutdown this long
  int listen_backlog = 1024;
  size_t max_body_bytes = 512 * 1024;  // larger bodies get 413
};

// Applies `tuning` to `server` and binds host:port (0 picks a free port),
// re-listening on the bound socket with the tuned backlog. Returns the bound
// port, or -1 when binding failed. Call before server.listen_after_bind().
int BindTuned(httplib::Server& server, const std::string& host, int port, const Tuning& tuning);

}  // namespace kmslab::bench

#endif  // KMSLAB_TOOLS_BENCH_FLOOR_TUNING_H_
