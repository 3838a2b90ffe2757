#pragma once
// The fixed pool of worker threads and the queue that feeds them.
//
// ConnectionQueue holds connections waiting for a worker: new ones from the acceptor (bounded: the
// acceptor waits, and the kernel backlog absorbs the rest) and ones the idle set hands back because
// their client sent again (never blocked: they are already open). While anything waits, the
// pressure descriptor is readable, which tells workers lingering on an idle keep-alive connection to
// hand it over and come help.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "common/status.h"
#include "server/connection.h"

namespace gateway::server {

class IdleConnections;

class ConnectionQueue {
 public:
  explicit ConnectionQueue(std::size_t new_connection_limit);
  ~ConnectionQueue();
  ConnectionQueue(const ConnectionQueue&) = delete;
  ConnectionQueue& operator=(const ConnectionQueue&) = delete;

  bool valid() const { return pressure_fd_ >= 0; }  // false when the eventfd could not be made

  // Waits while `new_connection_limit` connections are queued. False when the queue is closed; the
  // caller keeps (and so closes) the connection.
  bool pushNew(std::unique_ptr<ClientConnection>& connection);
  // Queues without waiting; a closed queue closes the connection.
  void pushReady(std::unique_ptr<ClientConnection> connection);
  // The oldest connection; waits while empty. Null once the queue is closed.
  std::unique_ptr<ClientConnection> pop();
  // Wakes every waiter and closes what is still queued (a worker never picks it up).
  void close();

  int pressureFd() const { return pressure_fd_; }
  std::size_t size() const;

 private:
  void pushLocked(std::unique_ptr<ClientConnection> connection);

  const std::size_t limit_;
  mutable std::mutex mutex_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<std::unique_ptr<ClientConnection>> items_;
  bool closed_ = false;
  int pressure_fd_ = -1;  // eventfd, readable while items_ is non-empty (changed under mutex_)
};

// What one worker thread runs for each connection it takes.
class Worker {
 public:
  virtual ~Worker() = default;
  virtual AfterServe serve(ClientConnection& connection) = 0;
};

class WorkerPool {
 public:
  WorkerPool(ConnectionQueue& queue, IdleConnections& idle) : queue_(queue), idle_(idle) {}
  ~WorkerPool() { join(); }

  // Builds `count` workers with `make` (on the calling thread, one after the other), then starts one
  // thread per worker. On a build error nothing is started and the error is returned.
  Status start(int count, const std::function<Result<std::unique_ptr<Worker>>(int index)>& make);
  // Returns once every worker has finished: close the queue first.
  void join();

 private:
  void run(Worker& worker);

  ConnectionQueue& queue_;
  IdleConnections& idle_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
};

}  // namespace gateway::server
