#include "server/worker_pool.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>

#include "server/idle_connections.h"

namespace gateway::server {
namespace {

void raise(int fd) {
  std::uint64_t one = 1;
  ssize_t n = ::write(fd, &one, sizeof one);
  (void)n;
}

void lower(int fd) {
  std::uint64_t value = 0;
  ssize_t n = ::read(fd, &value, sizeof value);  // non-blocking: resets the counter to zero
  (void)n;
}

}  // namespace

ConnectionQueue::ConnectionQueue(std::size_t new_connection_limit)
    : limit_(new_connection_limit ? new_connection_limit : 1),
      pressure_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}

ConnectionQueue::~ConnectionQueue() {
  close();
  if (pressure_fd_ >= 0) ::close(pressure_fd_);
}

void ConnectionQueue::pushLocked(std::unique_ptr<ClientConnection> connection) {
  items_.push_back(std::move(connection));
  if (items_.size() == 1) raise(pressure_fd_);
  not_empty_.notify_one();
}

bool ConnectionQueue::pushNew(std::unique_ptr<ClientConnection>& connection) {
  std::unique_lock lock(mutex_);
  not_full_.wait(lock, [&] { return closed_ || items_.size() < limit_; });
  if (closed_) return false;
  pushLocked(std::move(connection));
  return true;
}

void ConnectionQueue::pushReady(std::unique_ptr<ClientConnection> connection) {
  std::unique_lock lock(mutex_);
  if (closed_) return;  // `connection` closes on the way out
  pushLocked(std::move(connection));
}

std::unique_ptr<ClientConnection> ConnectionQueue::pop() {
  std::unique_lock lock(mutex_);
  not_empty_.wait(lock, [&] { return closed_ || !items_.empty(); });
  if (closed_) return nullptr;
  auto connection = std::move(items_.front());
  items_.pop_front();
  if (items_.empty()) lower(pressure_fd_);
  not_full_.notify_one();
  return connection;
}

void ConnectionQueue::close() {
  std::deque<std::unique_ptr<ClientConnection>> left;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    left.swap(items_);
    if (pressure_fd_ >= 0) lower(pressure_fd_);
  }
  not_empty_.notify_all();
  not_full_.notify_all();
  // `left` closes its connections here, outside the lock.
}

std::size_t ConnectionQueue::size() const {
  std::lock_guard lock(mutex_);
  return items_.size();
}

Status WorkerPool::start(int count, const std::function<Result<std::unique_ptr<Worker>>(int index)>& make) {
  std::vector<std::unique_ptr<Worker>> built;
  for (int i = 0; i < count; ++i) {
    auto worker = make(i);
    if (!worker.ok()) return worker.status();
    built.push_back(std::move(worker).value());
  }
  workers_ = std::move(built);
  for (auto& worker : workers_) threads_.emplace_back([this, w = worker.get()] { run(*w); });
  return Status::Ok();
}

void WorkerPool::run(Worker& worker) {
  while (auto connection = queue_.pop()) {
    if (worker.serve(*connection) == AfterServe::kIdle) idle_.add(connection);
    // Whatever the idle set did not take closes here.
  }
}

void WorkerPool::join() {
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
  workers_.clear();
}

}  // namespace gateway::server
