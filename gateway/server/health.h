#pragma once
// GET /health: whether this process can serve requests, for load balancers and run scripts.
// 200 {"status":"ok","database":"ok"} when the check passes, 503 with "database":"unavailable"
// otherwise. The body never carries the failure's text (it may name hosts or users); the
// failure is logged instead.

#include <functional>

#include "common/status.h"
#include "server/http_reply.h"

namespace gateway::server {

// Runs on a worker thread for every GET /health; must be thread-safe. Typically wraps
// Database::ping(). An empty function counts as healthy.
using HealthCheck = std::function<Status()>;

HttpReply healthReply(const HealthCheck& check);

}  // namespace gateway::server
