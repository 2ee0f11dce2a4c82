// Server: serves the Router over HTTP with the tuned cpp-httplib server.
// Stop() may be called from any thread; Run() returns once stopped.
#ifndef KMSLAB_HTTP_SERVER_H_
#define KMSLAB_HTTP_SERVER_H_

#include <httplib.h>

#include <string>

#include "http/router.h"
#include "http/tuning.h"

namespace kmslab::http {

class Server {
 public:
  Server(const Router* router, Tuning tuning);
  // Binds host:port (0: any free port). Returns the bound port or -1.
  int Bind(const std::string& host, int port);
  // Serves until Stop(). Returns false if the server failed.
  bool Run();
  void Stop();

 private:
  const Router* router_;
  Tuning tuning_;
  httplib::Server server_;
};

}  // namespace kmslab::http

#endif  // KMSLAB_HTTP_SERVER_H_
