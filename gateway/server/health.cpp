#include "server/health.h"

#include "common/log.h"

namespace gateway::server {

HttpReply healthReply(const HealthCheck& check) {
  Status status = check ? check() : Status::Ok();
  if (status.ok()) return {200, "application/json", "{\"status\":\"ok\",\"database\":\"ok\"}"};
  log::warn("health.failed", {{"cause", status.message()}});
  return {503, "application/json", "{\"status\":\"unavailable\",\"database\":\"unavailable\"}"};
}

}  // namespace gateway::server
