#pragma once
// What the server needs of one SOAP service: where it lives, which WSDL it serves, and how to
// dispatch a request on a worker's gSOAP context. gSOAP types stay out of this header.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

struct soap;

namespace gateway::core {
class Services;
}

namespace gateway::services {

// A service bound to one worker's context. Not thread-safe: one per worker.
class BoundEndpoint {
 public:
  virtual ~BoundEndpoint() = default;
  // Serves the request whose HTTP headers the server has read: parses the body, calls the
  // operation and sends the response. Returns SOAP_OK, or an error code with the fault prepared
  // (SOAP_FAULT from an operation) or not (an engine error); the server sends the fault.
  virtual int dispatch() = 0;
  // Nonzero for an endpoint that streams an attachment of up to this many bytes from a MIME (MTOM)
  // request body into storage. The server then lets such a request's body grow past
  // limits.max_message_bytes by this much, but only once the endpoint has set
  // RequestContext::streaming_attachment (after the SOAP envelope, which keeps the normal limit).
  virtual std::uint64_t streamedBodyLimit() const { return 0; }
};

class Endpoint {
 public:
  virtual ~Endpoint() = default;
  virtual const std::string& path() const = 0;       // e.g. "/ArchiveExternal/DownloadQueueExternalBasic.svc"
  virtual const std::string& wsdlFile() const = 0;   // file name in the WSDL folder, served at ?wsdl
  virtual std::unique_ptr<BoundEndpoint> bind(struct soap* worker_context) = 0;
};

// Every service the gateway serves, wired to the core. `core` must outlive the endpoints.
std::vector<std::unique_ptr<Endpoint>> makeEndpoints(core::Services& core);

}  // namespace gateway::services
