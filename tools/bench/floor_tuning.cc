#include "floor_tuning.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <memory>

namespace kmslab::bench {

int BindTuned(httplib::Server& server, const std::string& host, int port, const Tuning& tuning) {
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(tuning.keep_alive_max);
  server.set_keep_alive_timeout(tuning.keep_alive_timeout_seconds);
  server.set_payload_max_length(tuning.max_body_bytes);
  const int threads = tuning.threads;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };

  // The listening socket is only reachable through the socket-options hook;
  // remember it so the backlog can be raised after bind.
  auto listen_fd = std::make_shared<int>(-1);
  server.set_socket_options([listen_fd](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
    *listen_fd = sock;
  });

  int bound = port;
  if (port == 0) {
    bound = server.bind_to_any_port(host);
    if (bound <= 0) return -1;
  } else if (!server.bind_to_port(host, port)) {
    return -1;
  }
  if (*listen_fd >= 0) ::listen(*listen_fd, tuning.listen_backlog);
  return bound;
}

}  // namespace kmslab::bench
