#pragma once
// Service definitions by (code, edition), read on every submission and correspondence: found ones
// are remembered for `ttl` (CoreLimits::lookup_cache_seconds; 0 = always ask the database), so a new
// service is seen at once and a changed one within the TTL. Thread-safe.

#include <chrono>
#include <optional>
#include <string>

#include "common/status.h"
#include "common/ttl_cache.h"
#include "persistence/database.h"

namespace gateway::core {

class ServiceLookup {
 public:
  ServiceLookup(persistence::Database& database, std::chrono::seconds ttl) : database_(database), cache_(ttl) {}

  // As ServiceRepository::find: nullopt when there is no such service, kUnavailable on database trouble.
  Result<std::optional<persistence::ServiceRecord>> find(const std::string& code, int edition);

 private:
  persistence::Database& database_;
  TtlCache<persistence::ServiceRecord> cache_;
};

}  // namespace gateway::core
