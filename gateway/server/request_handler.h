#pragma once
// Serves one HTTP request on a worker's gSOAP context: reads the HTTP head and the SOAP envelope,
// routes by path, checks the caller's certificate carries an organisation number, dispatches to
// the endpoint bound to this worker, and turns every engine error into the contract's fault.
// GET requests (?wsdl, /health, anything else -> 404) are answered from the HTTP GET hook.
// Writes one JSON log line per request (never bodies or credentials).
//
// Not thread-safe: one per worker, used only on that worker's thread.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "server/health.h"
#include "server/router.h"
#include "server/wsdl_publisher.h"
#include "services/endpoint.h"
#include "services/request_context.h"

struct soap;

namespace gateway::server {

struct ClientConnection;

class RequestHandler {
 public:
  // `bound[i]` serves the endpoint the router reports as index i. Everything by reference must
  // outlive the handler.
  // `stopping` (may be null) turns every response sent after shutdown began into "Connection: close".
  // `request_timeout` (0: none) bounds the time to receive one whole request, however slowly its
  // bytes arrive: past it the connection is closed (logged as result "timeout", status 408).
  RequestHandler(struct soap* worker_context, const Router& router,
                 std::vector<std::unique_ptr<services::BoundEndpoint>> bound, const WsdlPublisher& wsdl,
                 const HealthCheck& health, const std::atomic<bool>* stopping = nullptr,
                 std::chrono::milliseconds request_timeout = std::chrono::milliseconds(0));
  ~RequestHandler();

  // Reads and answers one request from `connection`, already attached to the worker context.
  // `last` makes the response say "Connection: close". True when the connection may serve another
  // request; false when it must close (client asked, a fault was sent, or it broke).
  bool serveOne(const ClientConnection& connection, bool last);

  // Installs the hooks every worker copy inherits: the GET handler; refusal of PUT/PATCH/DELETE
  // and of compressed request bodies (a decompression bomb would bypass the size limit); a body
  // bounded by its Content-Length (gSOAP itself reads on past it, so a truncated document would
  // wait for the receive timeout instead of failing as malformed); "Connection: close" on
  // responses sent while shutting down; the request's SOAP version restored once its body is read
  // (the generated dispatch() re-installs the namespace table, which resets soap->version to 1.1
  // and would answer a SOAP 1.2 request as text/xml with a 1.1 fault inside a 1.2 envelope);
  // the size limit of a MIME request to a streamed route (BoundEndpoint::streamedBodyLimit): the
  // SOAP envelope keeps limits.max_message_bytes, the attachment part may add the route's limit.
  static void installHooks(struct soap* master);

 private:
  struct Outcome;
  Outcome process(const ClientConnection& connection);
  Outcome afterReceiveError();
  Outcome sendFault(const Status& status);
  Outcome sendEngineFault();
  Outcome afterDispatch(int error);
  bool tooLarge() const;
  bool connectionBroken(int error) const;
  std::uint64_t streamedLimitFor(const char* path) const;
  struct Hooks;  // the gSOAP callbacks (request_handler.cpp); they reach the per-request state
  friend struct Hooks;
  int answerGet();

  struct soap* soap_;
  const Router& router_;
  std::vector<std::unique_ptr<services::BoundEndpoint>> bound_;
  const WsdlPublisher& wsdl_;
  const HealthCheck& health_;
  const std::atomic<bool>* stopping_;
  std::chrono::milliseconds request_timeout_;
  int base_recv_timeout_;  // the worker context's per-read timeout (seconds), restored per request
  std::chrono::steady_clock::time_point request_deadline_{};
  bool timed_out_ = false;
  std::uint64_t max_message_bytes_;  // the context's recv_maxlength as configured
  // Per request.
  services::RequestContext* context_ = nullptr;
  std::uint64_t streamed_limit_ = 0;  // nonzero: a MIME request to a streamed route
  bool multipart_body_ = false;       // Content-Type: multipart/related
  bool envelope_too_large_ = false;   // its envelope passed max_message_bytes before the attachment
  std::string request_id_header_;
  std::string operation_;
  int http_status_ = 0;         // set by answerGet
  const char* method_ = "-";     // the HTTP method, once the request line is read
  bool bad_encoding_ = false;
  bool body_bounded_ = false;       // the Content-Length bound below applies
  std::uint64_t body_left_ = 0;     // body bytes still to come from the socket
  bool body_exhausted_ = false;     // the parser asked for more than Content-Length
  short request_version_ = 0;       // SOAP version of the request envelope (1 or 2), 0 before it
};

}  // namespace gateway::server
