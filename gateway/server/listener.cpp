#include "server/listener.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "common/log.h"
#include "server/connection.h"
#include "server/worker_pool.h"
#include "stdsoap2.h"

namespace gateway::server {

Listener::Listener(struct soap* master, ConnectionQueue& queue, std::atomic<int>& open_connections,
                   int max_connections)
    : master_(master), queue_(queue), open_(open_connections), max_connections_(max_connections) {}

Listener::~Listener() {
  stop();
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

Status Listener::start() {
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) return Status::Internal(std::string("acceptor: ") + std::strerror(errno));
  // Non-blocking: a connection reset between poll() and accept() must not park the acceptor.
  int flags = ::fcntl(master_->master, F_GETFL);
  ::fcntl(master_->master, F_SETFL, flags | O_NONBLOCK);
  master_->accept_timeout = -200000;  // 200 ms (negative = microseconds), see the note in run()
  thread_ = std::thread([this] { run(); });
  return Status::Ok();
}

void Listener::stop() {
  if (stopping_.exchange(true)) return;
  if (wake_fd_ >= 0) {
    std::uint64_t one = 1;
    ssize_t n = ::write(wake_fd_, &one, sizeof one);
    (void)n;
  }
  if (thread_.joinable()) thread_.join();
  if (soap_valid_socket(master_->master)) {
    ::close(master_->master);
    master_->master = SOAP_INVALID_SOCKET;
  }
}

bool Listener::pause(int milliseconds) {
  pollfd fd{wake_fd_, POLLIN, 0};
  ::poll(&fd, 1, milliseconds);
  return !stopping_.load();
}

void Listener::run() {
  int last_error = 0;
  while (!stopping_.load()) {
    if (open_.load() >= max_connections_) {
      if (!pause(50)) break;
      continue;
    }
    pollfd fds[2] = {{static_cast<int>(master_->master), POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    int n = ::poll(fds, 2, -1);
    if (n < 0 && errno != EINTR) {
      log::error("acceptor.poll_failed", {{"error", std::strerror(errno)}});
      if (!pause(100)) break;
      continue;
    }
    if (fds[1].revents || stopping_.load()) break;
    if (!(fds[0].revents & POLLIN)) continue;
    // soap_accept sets TCP_NODELAY, SO_KEEPALIVE and the non-blocking mode gSOAP's timeouts need.
    // With accept_timeout set it polls before accept(), so a vanished connection costs at most
    // 200 ms instead of a spin.
    SOAP_SOCKET socket = soap_accept(master_);
    if (!soap_valid_socket(socket)) {
      const int error = master_->errnum;
      if (error == EMFILE || error == ENFILE || error == ENOBUFS || error == ENOMEM) {
        if (error != last_error) log::error("acceptor.out_of_resources", {{"error", std::strerror(error)}});
        last_error = error;
        if (!pause(100)) break;
      }
      continue;
    }
    last_error = 0;
    master_->socket = SOAP_INVALID_SOCKET;  // the connection owns it now
    auto connection = std::make_unique<ClientConnection>(static_cast<int>(socket),
                                                         std::string(master_->host) + ":" +
                                                             std::to_string(master_->port),
                                                         &open_);
    if (!queue_.pushNew(connection)) break;  // closed: the connection closes here
  }
}

}  // namespace gateway::server
