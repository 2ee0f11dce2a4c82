// bench_floor: the benchmark's floor server.
//
// A trivial cpp-httplib server with the tuning `kmslab serve` used while it
// was built on cpp-httplib (floor_tuning.h, fixed), answering every POST /
// with one fixed, small AWS JSON 1.1 body. tools/bench/run measures it beside
// kmslab so each kmslab figure can be read as a fraction of what an HTTP layer
// alone can do on the same machine.
//
// Usage: bench_floor [--host H] [--port P]   (defaults 127.0.0.1 and 0 = free)
// Prints exactly one line `floor listening on http://HOST:PORT` on stdout once
// it accepts connections; stops cleanly on SIGTERM or SIGINT (exit status 0).
// Exit status 1 on bad arguments, 2 when binding fails.

#include <httplib.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>

#include "floor_tuning.h"

namespace kmslab::bench {
namespace {

// The shape of a small KMS answer: about the size of a DescribeKey-less reply.
constexpr char kBody[] =
    R"({"KeyId":"arn:aws:kms:us-east-1:111122223333:key/00000000-0000-4000-8000-000000000000"})";
constexpr char kContentType[] = "application/x-amz-json-1.1";
// kmslab sends a request id on every response; the floor sends a fixed one so
// both write comparable headers.
constexpr char kRequestId[] = "00000000-0000-4000-8000-000000000000";

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;
};

// Parses argv into `options`. Returns false (after printing why) on bad input.
bool ParseArgs(int argc, char** argv, Options& options) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if ((arg == "--host" || arg == "--port") && i + 1 < argc) {
      const std::string value = argv[++i];
      if (arg == "--host") {
        options.host = value;
      } else {
        char* end = nullptr;
        const long port = std::strtol(value.c_str(), &end, 10);
        if (end == value.c_str() || *end != '\0' || port < 0 || port > 65535) {
          std::cerr << "bench_floor: bad --port " << value << "\n";
          return false;
        }
        options.port = static_cast<int>(port);
      }
    } else {
      std::cerr << "usage: bench_floor [--host H] [--port P]\n";
      return false;
    }
  }
  return true;
}

int Main(int argc, char** argv) {
  Options options;
  if (!ParseArgs(argc, argv, options)) return 1;

  // Block the stop signals in every thread (the pool threads inherit this
  // mask); one dedicated thread takes them with sigwait, where calling
  // Server::stop() is safe, unlike inside a signal handler.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  httplib::Server server;
  server.Post("/", [](const httplib::Request&, httplib::Response& response) {
    response.set_header("x-amzn-RequestId", kRequestId);
    response.set_content(kBody, sizeof(kBody) - 1, kContentType);
  });

  const int port = BindTuned(server, options.host, options.port, Tuning{});
  if (port <= 0) {
    std::cerr << "bench_floor: cannot bind " << options.host << ":" << options.port << "\n";
    return 2;
  }

  std::thread stopper([&server, &stop_signals] {
    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    server.stop();
  });

  std::cout << "floor listening on http://" << options.host << ":" << port << std::endl;
  const bool ok = server.listen_after_bind();
  if (!ok) {
    // listen_after_bind returned without a stop signal: wake the stopper.
    kill(getpid(), SIGTERM);
  }
  stopper.join();
  return 0;
}

}  // namespace
}  // namespace kmslab::bench

int main(int argc, char** argv) { return kmslab::bench::Main(argc, argv); }
