#pragma once
// Per-request facts the server establishes before dispatch (who is calling, over which path).
// The server owns it and attaches it to the worker's context; adapters read it through
// requestContext(soap) only.

#include <string>

#include "auth/certificate_identity.h"

struct soap;

namespace gateway::services {

struct RequestContext {
  auth::CertificateIdentity certificate;  // the verified client certificate
  std::string path;                       // URL path without query
  std::string request_id;                 // correlates log lines of one request
  // Set by a streamed endpoint (BoundEndpoint::streamedBodyLimit) when it starts reading the
  // attachment parts of a MIME body; until then the body keeps limits.max_message_bytes.
  bool streaming_attachment = false;
};

// Attaches `context` (not owned; must outlive the request) to `soap`.
void attachRequestContext(struct soap* soap, RequestContext* context);
// The context attached to `soap`. Precondition: attachRequestContext was called for this request.
RequestContext& requestContext(struct soap* soap);

}  // namespace gateway::services
