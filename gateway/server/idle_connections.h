#pragma once
// Keep-alive connections with no request in progress and no worker: one thread waits on all of
// them (epoll) and puts a connection back in the worker queue as soon as its client sends. A
// connection idle for longer than the idle timeout, or whose client hung up, is closed here.
// stop() closes every idle connection at once, which is how shutdown ends keep-alive sessions.
// Thread-safe.

#include <chrono>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "common/status.h"
#include "server/connection.h"

namespace gateway::server {

class ConnectionQueue;

class IdleConnections {
 public:
  IdleConnections(ConnectionQueue& ready, std::chrono::seconds idle_timeout);
  ~IdleConnections();
  IdleConnections(const IdleConnections&) = delete;
  IdleConnections& operator=(const IdleConnections&) = delete;

  Status start();
  // Takes `connection` (its idle_since set) unless stopped; on false the caller still owns it.
  bool add(std::unique_ptr<ClientConnection>& connection);
  // Closes every idle connection and joins the thread. Idempotent.
  void stop();
  std::size_t size() const;

 private:
  void run();
  void sweep(std::chrono::steady_clock::time_point now);

  ConnectionQueue& ready_;
  const std::chrono::seconds idle_timeout_;
  mutable std::mutex mutex_;
  std::unordered_map<ClientConnection*, std::unique_ptr<ClientConnection>> idle_;
  bool stopped_ = false;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  std::thread thread_;
};

}  // namespace gateway::server
