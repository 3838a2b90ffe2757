#include "services/request_context.h"

#include "common/log.h"
#include "stdsoap2.h"

namespace gateway::services {

// soap->user is reserved for the request context: no other code in the gateway may use it.
void attachRequestContext(struct soap* soap, RequestContext* context) { soap->user = context; }

RequestContext& requestContext(struct soap* soap) {
  if (auto* context = static_cast<RequestContext*>(soap->user)) return *context;
  // A wiring bug, not caller input. Answer with an empty context (no organisation number), which
  // every adapter refuses, rather than crash a worker.
  log::error("request_context.missing", {{"path", soap->path}});
  thread_local RequestContext empty;
  empty = RequestContext{};
  return empty;
}

}  // namespace gateway::services
