#pragma once
// The acceptor: one thread that accepts TCP connections on the master context's listening socket
// and queues them for the workers (which make the TLS handshake, so a slow client never stalls
// accepting). It waits on the listening socket and a wake descriptor together, so stop() is
// immediate. At `max_connections` open connections it pauses accepting (the kernel backlog holds
// the rest) instead of failing.

#include <atomic>
#include <thread>

#include "common/status.h"

struct soap;

namespace gateway::server {

class ConnectionQueue;

class Listener {
 public:
  // `master` has a bound listening socket (soap_bind); it is used only by the acceptor thread from
  // start() on. `open_connections` counts live ClientConnections.
  Listener(struct soap* master, ConnectionQueue& queue, std::atomic<int>& open_connections, int max_connections);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  Status start();
  // Stops accepting, joins the thread and closes the listening socket: new connections are refused
  // from here on. Idempotent.
  void stop();

 private:
  void run();
  bool pause(int milliseconds);  // false when woken to stop

  struct soap* master_;
  ConnectionQueue& queue_;
  std::atomic<int>& open_;
  const int max_connections_;
  std::atomic<bool> stopping_{false};
  int wake_fd_ = -1;
  std::thread thread_;
};

}  // namespace gateway::server
