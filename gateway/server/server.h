#pragma once
// The gateway's HTTPS server: one listening socket, an acceptor thread, a fixed pool of worker
// threads (each with its own gSOAP context copied from a master context that holds the TLS
// settings and limits) and an idle set for keep-alive connections nobody is using.
//
// Lifecycle: create() does everything that can fail because of configuration (TLS files, bind,
// WSDL files) and reports it; start() launches the threads and then writes listen.ready_file;
// stop() (or the destructor) stops accepting, lets every worker finish the request it is serving,
// closes idle keep-alive connections at once and joins every thread.
//
// Certificate revocation (tls.crl) takes effect while serving: start() starts a thread that reloads
// the CRL file when it changes (every tls.crl_reload_seconds; server/crl_reloader.h), reloadCrl()
// does it at once (gatewayd calls it on SIGHUP), and a connection whose certificate was verified
// against older CRLs (a resumed TLS session, a kept-alive connection) is checked again before its
// next request and closed when the certificate is now refused.

#include <atomic>
#include <chrono>
#include <memory>
#include <vector>

#include "common/status.h"
#include "config/gateway_config.h"
#include "server/health.h"
#include "services/endpoint.h"

namespace gateway::server {

// Knobs that are not (yet) configuration keys.
struct ServerTuning {
  int max_connections = 10000;  // open connections, idle ones included; capped below ulimit -n
  std::chrono::seconds handshake_timeout{10};  // per TLS handshake (gSOAP counts it in 100 ms steps)
};

class Server {
 public:
  // `endpoints` are served by path; `health` answers GET /health (may be empty).
  static Result<std::unique_ptr<Server>> create(const config::GatewayConfig& config,
                                                std::vector<std::unique_ptr<services::Endpoint>> endpoints,
                                                HealthCheck health, ServerTuning tuning = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Starts serving. Call once. kInternal when a thread or descriptor cannot be made, or the ready
  // file cannot be written (the server is then stopped again).
  Status start();
  // The bound port (useful with listen.port = 0).
  int port() const;
  // The base URL the served WSDLs point at.
  const std::string& publicBaseUrl() const;
  // Blocks until everything has stopped. Idempotent; safe from any thread but the workers'.
  void stop();
  // Reads tls.crl again now and, when it is good and current, makes new handshakes use it; otherwise
  // keeps the CRLs in use. Logs the outcome either way (also that no tls.crl is set). Any thread.
  void reloadCrl();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace gateway::server
