#include "cli/serve.h"

#include <malloc.h>
#include <signal.h>
#include <sys/stat.h>

#include <iostream>
#include <thread>

#include "cli/serve_tls.h"
#include "cli/stack.h"
#include "http/server.h"

namespace kmslab::cli {

namespace {
int Fail(const std::string& message) {
  std::cerr << "kmslab serve: " << message << "\n";
  return 1;
}
}  // namespace

int Serve(const ServeOptions& options) {
  // Every file and directory the server makes is its user's alone.
  ::umask(077);
  // Two malloc arenas rather than glibc's one per thread (up to 8 per core):
  // requests allocate on many workers and the trail's writer frees, and with
  // an arena per worker the freed space stays spread over all of them, so
  // RSS kept creeping up under a steady load. Throughput is unchanged
  // (docs/robustness.md, Soak). Must precede the first thread.
  ::mallopt(M_ARENA_MAX, 2);

  // Signals are taken by one thread (sigwait); block them everywhere else.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // TLS first: a bad flag or certificate pair stops the start before the
  // data directory is made or opened.
  auto tls = SetUpTls(options.tls, options.stack.data_dir);
  if (!tls.ok()) {
    Fail(tls.status().message());
    return kUsageExitStatus;
  }
  auto stack = Stack::Open(options.stack);
  if (!stack.ok()) return Fail(stack.status().message());

  http::ServerOptions server_options;
  server_options.worker_threads = options.threads;
  server_options.tls = tls->context;
  http::Server server((*stack)->router.get(), server_options);
  const std::string& host = options.host;
  int bound = server.Bind(host, options.port);
  if (bound < 0) return Fail("cannot listen on " + host + ":" + std::to_string(options.port));
  (*stack)->ddb_service->SetEndpoint(host + ":" + std::to_string(bound));

  std::thread stopper([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    server.Stop();
  });
  if (tls->context) std::cout << tls->Describe() << "\n";
  std::cout << "kmslab listening on " << tls->scheme() << "://" << host << ":" << bound << std::endl;
  bool ok = server.Run();
  // Run() also returns on failure; wake the stopper so it can be joined.
  if (!ok) kill(getpid(), SIGTERM);
  stopper.join();
  return ok ? 0 : 1;
}

}  // namespace kmslab::cli
