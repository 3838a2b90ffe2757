#include "server/idle_connections.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <vector>

#include "common/log.h"
#include "server/worker_pool.h"

namespace gateway::server {
namespace {

constexpr int kSweepIntervalMs = 1000;  // idle timeouts are in seconds; a second of slack is fine
constexpr int kMaxEvents = 256;

}  // namespace

IdleConnections::IdleConnections(ConnectionQueue& ready, std::chrono::seconds idle_timeout)
    : ready_(ready), idle_timeout_(idle_timeout) {}

IdleConnections::~IdleConnections() {
  stop();
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

Status IdleConnections::start() {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epoll_fd_ < 0 || wake_fd_ < 0) return Status::Internal(std::string("idle set: ") + std::strerror(errno));
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.ptr = nullptr;  // the wake descriptor
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &event) != 0) {
    return Status::Internal(std::string("idle set: ") + std::strerror(errno));
  }
  thread_ = std::thread([this] { run(); });
  return Status::Ok();
}

bool IdleConnections::add(std::unique_ptr<ClientConnection>& connection) {
  std::lock_guard lock(mutex_);
  if (stopped_ || !thread_.joinable()) return false;
  epoll_event event{};
  event.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
  event.data.ptr = connection.get();
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, connection->fd, &event) != 0) return false;
  ClientConnection* key = connection.get();
  idle_.emplace(key, std::move(connection));
  return true;
}

void IdleConnections::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
  }
  if (wake_fd_ >= 0) {
    std::uint64_t one = 1;
    ssize_t n = ::write(wake_fd_, &one, sizeof one);
    (void)n;
  }
  if (thread_.joinable()) thread_.join();
  std::unordered_map<ClientConnection*, std::unique_ptr<ClientConnection>> left;
  {
    std::lock_guard lock(mutex_);
    left.swap(idle_);
  }
  // `left` closes every idle connection here.
}

std::size_t IdleConnections::size() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

void IdleConnections::run() {
  std::vector<epoll_event> events(kMaxEvents);
  auto next_sweep = std::chrono::steady_clock::now() + std::chrono::milliseconds(kSweepIntervalMs);
  for (;;) {
    int n = ::epoll_wait(epoll_fd_, events.data(), kMaxEvents, kSweepIntervalMs);
    if (n < 0 && errno != EINTR) {
      log::error("idle_set.epoll_failed", {{"error", std::strerror(errno)}});
      return;
    }
    std::vector<std::unique_ptr<ClientConnection>> ready;
    std::vector<std::unique_ptr<ClientConnection>> hung_up;
    {
      std::lock_guard lock(mutex_);
      if (stopped_) return;
      for (int i = 0; i < n; ++i) {
        auto* key = static_cast<ClientConnection*>(events[i].data.ptr);
        if (!key) continue;  // woken for stop()
        auto it = idle_.find(key);
        if (it == idle_.end()) continue;
        ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, key->fd, nullptr);
        const bool has_input = events[i].events & EPOLLIN;
        const bool gone = events[i].events & (EPOLLHUP | EPOLLERR);
        (has_input && !gone ? ready : hung_up).push_back(std::move(it->second));
        idle_.erase(it);
      }
    }
    for (auto& connection : ready) ready_.pushReady(std::move(connection));
    hung_up.clear();  // closes them outside the lock
    auto now = std::chrono::steady_clock::now();
    if (now >= next_sweep) {
      sweep(now);
      next_sweep = now + std::chrono::milliseconds(kSweepIntervalMs);
    }
  }
}

void IdleConnections::sweep(std::chrono::steady_clock::time_point now) {
  std::vector<std::unique_ptr<ClientConnection>> expired;
  {
    std::lock_guard lock(mutex_);
    for (auto it = idle_.begin(); it != idle_.end();) {
      if (now - it->second->idle_since >= idle_timeout_) {
        ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, it->first->fd, nullptr);
        expired.push_back(std::move(it->second));
        it = idle_.erase(it);
      } else {
        ++it;
      }
    }
  }
  // `expired` closes them here, outside the lock.
}

}  // namespace gateway::server
