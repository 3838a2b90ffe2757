#pragma once
// One client connection and the worker-side code that serves it.
//
// A connection is owned by exactly one holder at a time (the ready queue, a worker, or the idle
// set), always through std::unique_ptr; destroying it closes it. A worker makes the TLS handshake
// (off the acceptor thread), then serves requests while they keep coming. Once the connection is
// idle and another connection is waiting for a worker, the worker hands it to the idle set, which
// returns it to the queue when the client sends again. So an idle keep-alive client holds a worker
// only while no one else needs it, and more clients than workers can stay connected.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "auth/certificate_identity.h"

struct soap;
typedef struct ssl_st SSL;

namespace gateway::server {

class RequestHandler;
class TrustStore;

struct ClientConnection {
  ClientConnection(int fd, std::string peer, std::atomic<int>* open_counter);
  ~ClientConnection();  // close()
  ClientConnection(const ClientConnection&) = delete;
  ClientConnection& operator=(const ClientConnection&) = delete;

  // Sends close_notify when the session is up (best effort, never waits), frees the SSL session and
  // closes the socket. Idempotent.
  void close();

  int fd;
  SSL* ssl = nullptr;  // owned; null until the handshake is done
  std::string peer;    // "address:port", for logs
  std::uint64_t id;    // process-unique, for logs
  auth::CertificateIdentity identity;  // valid once ssl is set
  std::uint64_t trust_generation = 0;  // the TrustStore generation the certificate was last verified against
  int requests = 0;                    // served so far
  std::chrono::steady_clock::time_point idle_since{};

 private:
  std::atomic<int>* open_counter_;  // decremented on destruction; may be null
};

// Closes a TLS connection without waiting for the peer: close_notify if possible, then a short
// non-blocking drain of what the client already sent (so the kernel does not answer our last
// response with a reset), then close. gSOAP's own close waits up to 5 s for the peer's
// close_notify; the server installs this as soap->fclose instead.
void closeTransport(int fd, SSL* ssl);
int closeSoapTransport(struct soap* soap);

struct ConnectionSettings {
  int keep_alive_max_requests = 10000;
  std::chrono::seconds idle_timeout{60};
  std::chrono::seconds handshake_timeout{10};
  // The store client certificates are verified against (tls.crl set), or null. With it, a resumed
  // session's certificate is verified again right after the handshake (OpenSSL skips that), and a
  // connection's certificate again before its next request once the store has changed since; a
  // certificate that fails (revoked meanwhile) closes the connection. Must outlive the server.
  const TrustStore* trust = nullptr;
};

// What tells a worker to stop waiting on an idle keep-alive connection. Both are readable file
// descriptors while the condition holds (level-triggered), or -1.
struct WaitSignals {
  int stop_fd = -1;      // the server is shutting down
  int pressure_fd = -1;  // a connection is waiting in the queue for a worker
  const std::atomic<bool>* stopping = nullptr;  // the same as stop_fd, cheaper to test
};

enum class AfterServe {
  kClose,  // done (client closed, error, limits, idle timeout or shutdown): destroy it
  kIdle,   // healthy and idle: give it to the idle set
};

// Serves connections on one worker's gSOAP context. Not thread-safe: one per worker thread.
class ConnectionServer {
 public:
  ConnectionServer(struct soap* worker_context, RequestHandler& handler, ConnectionSettings settings,
                   WaitSignals signals);

  // Attaches `connection` to the worker context (handshake first when new), serves requests until
  // it should close or go idle, and detaches it again. Never throws.
  AfterServe serve(ClientConnection& connection);

 private:
  bool handshake(ClientConnection& connection);
  // False (logged as tls.certificate_refused) when the connection's certificate was verified
  // against an older store, or `resumed`, and the current store refuses it.
  bool stillTrusted(ClientConnection& connection, bool resumed);
  void attach(ClientConnection& connection);
  void detach(ClientConnection& connection);
  enum class Wait { kReady, kIdle, kClose };
  Wait waitForNextRequest(ClientConnection& connection);

  struct soap* soap_;
  RequestHandler& handler_;
  ConnectionSettings settings_;
  WaitSignals signals_;
};

}  // namespace gateway::server
