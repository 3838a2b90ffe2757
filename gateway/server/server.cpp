#include "server/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <mutex>

#include "common/log.h"
#include "server/connection.h"
#include "server/crl_reload_job.h"
#include "server/idle_connections.h"
#include "server/listener.h"
#include "server/request_handler.h"
#include "server/router.h"
#include "server/signals.h"
#include "server/tls_context.h"
#include "server/worker_pool.h"
#include "server/wsdl_publisher.h"
#include "stdsoap2.h"

namespace gateway::server {
namespace {

struct SoapDeleter {
  void operator()(struct soap* soap) const {
    soap_destroy(soap);
    soap_end(soap);
    soap_free(soap);
  }
};
using SoapPtr = std::unique_ptr<struct soap, SoapDeleter>;

constexpr int kMaxWorkers = 4096;

// A worker thread's state: its own gSOAP context (never shared: GSOAP-NOTES), the endpoints bound
// to it, and the code that serves one connection at a time on it.
class GatewayWorker : public Worker {
 public:
  GatewayWorker(SoapPtr context, std::unique_ptr<RequestHandler> handler, ConnectionSettings settings,
                WaitSignals signals)
      : context_(std::move(context)),
        handler_(std::move(handler)),
        connections_(context_.get(), *handler_, settings, signals) {}
  AfterServe serve(ClientConnection& connection) override { return connections_.serve(connection); }

 private:
  SoapPtr context_;  // declared first: destroyed after the bound endpoints that use it
  std::unique_ptr<RequestHandler> handler_;
  ConnectionServer connections_;
};

std::string faultText(struct soap* soap) {
  const char** s = soap_faultstring(soap);
  const char** d = soap_faultdetail(soap);
  std::string text = s && *s ? *s : "unknown error";
  if (d && *d) text += std::string(" (") + *d + ")";
  return text;
}

Status checkConfig(const config::GatewayConfig& c) {
  const auto& l = c.limits;
  if (c.server.workers < 1 || c.server.workers > kMaxWorkers) {
    return Status::InvalidArgument("workers must be between 1 and " + std::to_string(kMaxWorkers));
  }
  if (c.server.port < 0 || c.server.port > 65535) return Status::InvalidArgument("listen.port must be 0..65535");
  if (c.server.backlog < 1) return Status::InvalidArgument("listen.backlog must be at least 1");
  if (l.max_message_bytes < 1 || l.max_depth < 1 || l.max_elements < 1) {
    return Status::InvalidArgument("limits.max_message_bytes, max_depth and max_elements must be positive");
  }
  if (l.recv_timeout_seconds < 1 || l.send_timeout_seconds < 1 || l.idle_timeout_seconds < 1 ||
      l.request_timeout_seconds < 1) {
    return Status::InvalidArgument("limits.*_timeout_seconds must be at least 1");
  }
  if (l.pdf_max_pages < 1) return Status::InvalidArgument("limits.pdf_max_pages must be at least 1");
  if (l.max_rights_rules < 1) return Status::InvalidArgument("limits.max_rights_rules must be at least 1");
  // gSOAP sizes a binary part with an int.
  if (l.max_streamed_attachment_bytes < 1 || l.max_streamed_attachment_bytes > 2147483647L) {
    return Status::InvalidArgument("limits.max_streamed_attachment_bytes must be 1..2147483647");
  }
  if (l.max_archive_search_results < 1) {
    return Status::InvalidArgument("limits.max_archive_search_results must be at least 1");
  }
  if (l.keep_alive_max_requests < 1) return Status::InvalidArgument("limits.keep_alive_max_requests must be >= 1");
  if (c.tls.crl_reload_seconds < 0 || c.tls.crl_reload_seconds > config::kMaxCrlReloadSeconds) {
    return Status::InvalidArgument("tls.crl_reload_seconds must be 0.." + std::to_string(config::kMaxCrlReloadSeconds));
  }
  return Status::Ok();
}

Result<int> boundPort(int socket) {
  sockaddr_storage address{};
  socklen_t size = sizeof address;
  if (::getsockname(socket, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    return Status::Internal(std::string("getsockname: ") + std::strerror(errno));
  }
  if (address.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
  if (address.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port);
  return Status::Internal("listening socket has an unexpected address family");
}

Status writeReadyFile(const std::string& path, int port) {
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::trunc);
    out << port << "\n";
    out.close();
    if (!out) return Status::Internal("cannot write " + temp);
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    return Status::Internal("cannot rename " + temp + " to " + path + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

}  // namespace

struct Server::Impl {
  config::GatewayConfig config;
  ServerTuning tuning;
  HealthCheck health;
  std::vector<std::unique_ptr<services::Endpoint>> endpoints;
  std::vector<services::Endpoint*> endpoint_views;
  SoapPtr master;
  ServerTrust trust;  // after master: the SSL context's ClientHello callback points into trust.store
  std::unique_ptr<CrlReloadJob> crl_reload;
  int port = 0;
  std::string base_url;
  std::unique_ptr<Router> router;
  WsdlPublisher wsdl;

  std::atomic<int> open_connections{0};
  std::atomic<bool> stopping{false};
  int stop_fd = -1;
  std::unique_ptr<ConnectionQueue> queue;
  std::unique_ptr<IdleConnections> idle;
  std::unique_ptr<WorkerPool> pool;
  std::unique_ptr<Listener> listener;
  std::mutex lifecycle;
  bool started = false;
  bool stopped = false;

  ~Impl() {
    listener.reset();
    idle.reset();
    pool.reset();
    queue.reset();
    if (stop_fd >= 0) ::close(stop_fd);
  }

  Result<std::unique_ptr<Worker>> makeWorker(int) {
    SoapPtr context(soap_copy(master.get()));
    if (!context) return Status::Internal("cannot copy the gSOAP context for a worker");
    std::vector<std::unique_ptr<services::BoundEndpoint>> bound;
    try {
      for (auto* endpoint : endpoint_views) bound.push_back(endpoint->bind(context.get()));
    } catch (const std::exception& e) {
      return Status::Internal(std::string("binding an endpoint failed: ") + e.what());
    }
    auto handler = std::make_unique<RequestHandler>(context.get(), *router, std::move(bound), wsdl, health, &stopping,
                                                    std::chrono::seconds(config.limits.request_timeout_seconds));
    ConnectionSettings settings{config.limits.keep_alive_max_requests,
                                std::chrono::seconds(config.limits.idle_timeout_seconds), tuning.handshake_timeout,
                                trust.store.get()};
    WaitSignals signals{stop_fd, queue->pressureFd(), &stopping};
    return std::unique_ptr<Worker>(
        std::make_unique<GatewayWorker>(std::move(context), std::move(handler), settings, signals));
  }

  void stopThreads() {
    stopping = true;
    if (stop_fd >= 0) {
      std::uint64_t one = 1;
      ssize_t n = ::write(stop_fd, &one, sizeof one);
      (void)n;
    }
    if (queue) queue->close();        // unblocks the acceptor and idle workers; drops unserved connections
    if (listener) listener->stop();   // no new connections; the listening socket is closed
    if (idle) idle->stop();           // ends idle keep-alive connections now
    if (pool) pool->join();           // busy workers finish their request first
    if (crl_reload) crl_reload->stop();
  }
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() { stop(); }

Result<std::unique_ptr<Server>> Server::create(const config::GatewayConfig& config,
                                               std::vector<std::unique_ptr<services::Endpoint>> endpoints,
                                               HealthCheck health, ServerTuning tuning) {
  if (Status s = checkConfig(config); !s.ok()) return s;
  auto impl = std::make_unique<Impl>();
  impl->config = config;
  impl->tuning = tuning;
  // Leave descriptors for everything else (database connections per worker, files, epoll...),
  // so a crowd of clients makes the acceptor pause instead of starving the workers of descriptors.
  if (rlimit limit{}; ::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    const long spare = 64 + 4L * config.server.workers;
    const long usable = static_cast<long>(limit.rlim_cur) - spare;
    if (usable < 16) return Status::InvalidArgument("the open-file limit (ulimit -n) is too low for this many workers");
    impl->tuning.max_connections = static_cast<int>(std::min<long>(impl->tuning.max_connections, usable));
  }
  impl->health = std::move(health);
  impl->endpoints = std::move(endpoints);
  for (auto& e : impl->endpoints) impl->endpoint_views.push_back(e.get());

  impl->master.reset(soap_new2(SOAP_IO_KEEPALIVE | SOAP_C_UTFSTRING, SOAP_IO_KEEPALIVE | SOAP_C_UTFSTRING));
  struct soap* master = impl->master.get();
  if (!master) return Status::Internal("cannot create the gSOAP context");
  // The generated table (gsoap_stubs' namespaces.cpp). Its SOAP-ENV entry also matches the SOAP 1.2
  // envelope namespace ("http://www.w3.org/*/soap-envelope"), which is what makes gSOAP accept 1.2.
  soap_set_namespaces(master, namespaces);
  const auto& limits = config.limits;
  master->recv_maxlength = static_cast<ULONG64>(limits.max_message_bytes);
  master->maxlevel = static_cast<unsigned int>(limits.max_depth);
  master->maxoccurs = static_cast<std::size_t>(limits.max_elements);
  master->recv_timeout = limits.recv_timeout_seconds;
  master->send_timeout = limits.send_timeout_seconds;
  master->max_keep_alive = limits.keep_alive_max_requests;
  master->socket_flags = MSG_NOSIGNAL;
  master->bind_flags = SO_REUSEADDR;
  master->fclose = closeSoapTransport;  // never wait for the peer's close_notify
  RequestHandler::installHooks(master);

  auto trust = configureServerTls(master, config.tls);
  if (!trust.ok()) return trust.status();
  impl->trust = std::move(trust).value();

  const std::string& host = config.server.host;
  if (!soap_valid_socket(soap_bind(master, host.empty() ? nullptr : host.c_str(), config.server.port,
                                   config.server.backlog))) {
    return Status::InvalidArgument("cannot listen on " + host + ":" + std::to_string(config.server.port) + ": " +
                                   faultText(master));
  }
  auto port = boundPort(master->master);
  if (!port.ok()) return port.status();
  impl->port = port.value();

  // The config loader defaults public_base_url to https://host:port before the port is known.
  impl->base_url = config.server.public_base_url;
  if (config.server.port == 0 && impl->base_url == "https://" + host + ":0") {
    impl->base_url = "https://" + host + ":" + std::to_string(impl->port);
  }

  impl->router = std::make_unique<Router>(impl->endpoint_views);
  if (!impl->router->duplicates().empty()) {
    return Status::InvalidArgument("two endpoints share the path " + impl->router->duplicates().front());
  }
  auto wsdl = WsdlPublisher::load(config.wsdl_dir, impl->base_url, impl->endpoint_views);
  if (!wsdl.ok()) return wsdl.status();
  impl->wsdl = std::move(wsdl).value();
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Status Server::start() {
  Impl& s = *impl_;
  std::lock_guard lock(s.lifecycle);
  if (s.started || s.stopped) return Status::Internal("the server was already started");
  s.started = true;
  ignoreSigpipe();

  const int workers = s.config.server.workers;
  s.stop_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  s.queue = std::make_unique<ConnectionQueue>(static_cast<std::size_t>(std::max(workers, 64)));
  if (s.stop_fd < 0 || !s.queue->valid()) return Status::Internal("cannot create event descriptors");
  s.idle = std::make_unique<IdleConnections>(*s.queue, std::chrono::seconds(s.config.limits.idle_timeout_seconds));
  s.pool = std::make_unique<WorkerPool>(*s.queue, *s.idle);
  s.listener = std::make_unique<Listener>(s.master.get(), *s.queue, s.open_connections, s.tuning.max_connections);

  Status status = s.idle->start();
  if (status.ok()) status = s.pool->start(workers, [&s](int i) { return s.makeWorker(i); });
  if (status.ok()) status = s.listener->start();
  if (status.ok() && s.trust.reloader) {
    s.crl_reload = std::make_unique<CrlReloadJob>(*s.trust.reloader, std::chrono::seconds(s.config.tls.crl_reload_seconds));
    s.crl_reload->start();
  }
  if (status.ok() && !s.config.server.ready_file.empty()) status = writeReadyFile(s.config.server.ready_file, s.port);
  if (!status.ok()) {
    s.stopThreads();
    s.stopped = true;
    return status;
  }
  log::info("server.started", {{"port", std::to_string(s.port)},
                               {"workers", std::to_string(workers)},
                               {"endpoints", std::to_string(s.endpoints.size())},
                               {"max_connections", std::to_string(s.tuning.max_connections)},
                               {"public_base_url", s.base_url}});
  return Status::Ok();
}

int Server::port() const { return impl_->port; }

const std::string& Server::publicBaseUrl() const { return impl_->base_url; }

void Server::reloadCrl() {
  if (!impl_->trust.reloader) {
    log::info("tls.crl.reload_skipped", {{"reason", "tls.crl is not set"}});
    return;
  }
  impl_->trust.reloader->reload(ReloadTrigger::kSignal);
}

void Server::stop() {
  if (!impl_) return;
  Impl& s = *impl_;
  std::lock_guard lock(s.lifecycle);
  if (s.stopped) return;
  s.stopped = true;
  if (!s.started) return;
  const auto begin = std::chrono::steady_clock::now();
  s.stopThreads();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - begin);
  log::info("server.stopped", {{"ms", std::to_string(ms.count())}});
}

}  // namespace gateway::server
