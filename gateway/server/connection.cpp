#include "server/connection.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "common/log.h"
#include "server/request_handler.h"
#include "server/trust_store.h"
#include "stdsoap2.h"

namespace gateway::server {
namespace {

std::atomic<std::uint64_t> g_next_connection_id{1};

constexpr std::size_t kMaxDrainBytes = 64 * 1024;

std::string faultText(struct soap* soap) {
  const char** s = soap_faultstring(soap);
  const char** d = soap_faultdetail(soap);
  std::string text = s && *s ? *s : "";
  if (d && *d) text += std::string(text.empty() ? "" : " (") + *d + (text.empty() ? "" : ")");
  return text;
}

}  // namespace

ClientConnection::ClientConnection(int fd_in, std::string peer_in, std::atomic<int>* open_counter)
    : fd(fd_in), peer(std::move(peer_in)), id(g_next_connection_id++), open_counter_(open_counter) {
  if (open_counter_) ++*open_counter_;
}

ClientConnection::~ClientConnection() {
  close();
  if (open_counter_) --*open_counter_;
}

void ClientConnection::close() {
  closeTransport(fd, ssl);
  fd = -1;
  ssl = nullptr;
}

void closeTransport(int fd, SSL* ssl) {
  if (ssl) {
    // Only a finished, healthy session can say goodbye; SSL_shutdown refuses otherwise. The socket is
    // non-blocking, so this never waits: a full send buffer just means no close_notify.
    if (SSL_is_init_finished(ssl)) (void)SSL_shutdown(ssl);
    SSL_free(ssl);
    ERR_clear_error();
  }
  if (fd < 0) return;
  ::shutdown(fd, SHUT_WR);
  char buf[4096];
  std::size_t drained = 0;
  while (drained < kMaxDrainBytes) {
    ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n <= 0) break;
    drained += static_cast<std::size_t>(n);
  }
  ::close(fd);
}

int closeSoapTransport(struct soap* soap) {
  SSL* ssl = soap->ssl;
  soap->ssl = nullptr;
  int fd = soap_valid_socket(soap->socket) ? static_cast<int>(soap->socket) : -1;
  soap->socket = SOAP_INVALID_SOCKET;
  closeTransport(fd, ssl);
  soap->imode &= ~SOAP_ENC_SSL;
  soap->omode &= ~SOAP_ENC_SSL;
  return SOAP_OK;
}

ConnectionServer::ConnectionServer(struct soap* worker_context, RequestHandler& handler, ConnectionSettings settings,
                                   WaitSignals signals)
    : soap_(worker_context), handler_(handler), settings_(settings), signals_(signals) {}

void ConnectionServer::attach(ClientConnection& connection) {
  soap_->socket = connection.fd;
  soap_->ssl = connection.ssl;
  if (connection.ssl) {
    soap_->imode |= SOAP_ENC_SSL;
    soap_->omode |= SOAP_ENC_SSL;
  }
  soap_->bufidx = 0;  // nothing of another connection's input may leak into this one
  soap_->buflen = 0;
  soap_->ahead = 0;
  soap_->error = SOAP_OK;
  soap_->keep_alive = -1;
}

void ConnectionServer::detach(ClientConnection& connection) {
  if (soap_valid_socket(soap_->socket)) {
    connection.ssl = soap_->ssl;
  } else {  // gSOAP closed it (after a fault or an error): nothing left to own
    connection.fd = -1;
    connection.ssl = nullptr;
  }
  soap_->ssl = nullptr;
  soap_->socket = SOAP_INVALID_SOCKET;
  soap_->imode &= ~SOAP_ENC_SSL;
  soap_->omode &= ~SOAP_ENC_SSL;
}

bool ConnectionServer::handshake(ClientConnection& connection) {
  // soap_ssl_accept bounds the handshake by the larger of the two I/O timeouts.
  const int recv_timeout = soap_->recv_timeout;
  const int send_timeout = soap_->send_timeout;
  // Read before the handshake: the store its ClientHello picks is this generation or a newer one.
  if (settings_.trust) connection.trust_generation = settings_.trust->generation();
  soap_->recv_timeout = soap_->send_timeout = static_cast<int>(settings_.handshake_timeout.count());
  const int result = soap_ssl_accept(soap_);
  soap_->recv_timeout = recv_timeout;
  soap_->send_timeout = send_timeout;
  if (result != SOAP_OK || !soap_->ssl) {
    log::info("tls.handshake_failed", {{"conn", std::to_string(connection.id)},
                                       {"peer", connection.peer},
                                       {"reason", faultText(soap_)}});
    soap_destroy(soap_);
    soap_end(soap_);
    return false;
  }
  X509* certificate = SSL_get1_peer_certificate(soap_->ssl);
  connection.identity = auth::identityFromCertificate(certificate);
  X509_free(certificate);
  const bool resumed = SSL_session_reused(soap_->ssl) == 1;
  if (!stillTrusted(connection, resumed)) return false;  // serve() closes it
  connection.ssl = soap_->ssl;
  log::debug("tls.handshake", {{"conn", std::to_string(connection.id)},
                               {"peer", connection.peer},
                               {"version", SSL_get_version(soap_->ssl)},
                               {"cipher", SSL_get_cipher_name(soap_->ssl)},
                               {"resumed", resumed ? "true" : "false"},
                               {"org", connection.identity.org_number.value_or("")},
                               {"subject", connection.identity.subject}});
  return true;
}

bool ConnectionServer::stillTrusted(ClientConnection& connection, bool resumed) {
  const TrustStore* trust = settings_.trust;
  if (!trust || !soap_->ssl) return true;
  const std::uint64_t generation = trust->generation();  // before verifying: a newer store is checked next time
  if (!resumed && generation == connection.trust_generation) return true;
  Status verified = trust->verifyPeer(soap_->ssl);
  if (verified.ok()) {
    connection.trust_generation = generation;
    return true;
  }
  log::info("tls.certificate_refused", {{"conn", std::to_string(connection.id)},
                                        {"peer", connection.peer},
                                        {"when", resumed ? "resumed session" : "store changed since verified"},
                                        {"reason", verified.message()},
                                        {"org", connection.identity.org_number.value_or("")}});
  return false;
}

AfterServe ConnectionServer::serve(ClientConnection& connection) {
  attach(connection);
  if (!connection.ssl) {
    if (!handshake(connection)) {
      detach(connection);
      return AfterServe::kClose;
    }
    // A client that connects and then says nothing must not hold the worker while others wait.
    Wait first = waitForNextRequest(connection);
    if (first != Wait::kReady) {
      detach(connection);
      return first == Wait::kIdle ? AfterServe::kIdle : AfterServe::kClose;
    }
  }
  for (;;) {
    if (!stillTrusted(connection, false)) {
      detach(connection);
      return AfterServe::kClose;
    }
    const bool stopping = signals_.stopping && signals_.stopping->load();
    const bool last = stopping || connection.requests + 1 >= settings_.keep_alive_max_requests;
    ++connection.requests;
    const bool keep_open = handler_.serveOne(connection, last);
    if (!keep_open || last) {
      detach(connection);
      return AfterServe::kClose;
    }
    Wait next = waitForNextRequest(connection);
    if (next == Wait::kReady) continue;
    detach(connection);
    return next == Wait::kIdle ? AfterServe::kIdle : AfterServe::kClose;
  }
}

ConnectionServer::Wait ConnectionServer::waitForNextRequest(ClientConnection& connection) {
  // Input already read into gSOAP's or OpenSSL's buffer never makes the socket readable again.
  if (soap_->bufidx < soap_->buflen || (soap_->ssl && SSL_has_pending(soap_->ssl))) return Wait::kReady;
  connection.idle_since = std::chrono::steady_clock::now();
  const auto deadline = connection.idle_since + settings_.idle_timeout;
  pollfd fds[3] = {{static_cast<int>(soap_->socket), POLLIN, 0},
                   {signals_.stop_fd, POLLIN, 0},
                   {signals_.pressure_fd, POLLIN, 0}};
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return Wait::kClose;
    int n = ::poll(fds, 3, static_cast<int>(left.count()));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Wait::kClose;
    }
    if (n == 0) return Wait::kClose;                 // idle timeout
    if (fds[1].revents) return Wait::kClose;         // shutting down
    if (fds[0].revents) return Wait::kReady;         // a request, or a hang-up the read will see
    if (fds[2].revents) return Wait::kIdle;          // someone needs this worker
  }
}

}  // namespace gateway::server
