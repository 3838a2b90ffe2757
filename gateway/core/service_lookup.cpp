#include "core/service_lookup.h"

namespace gateway::core {

Result<std::optional<persistence::ServiceRecord>> ServiceLookup::find(const std::string& code, int edition) {
  const std::string key = code + '\0' + std::to_string(edition);
  if (auto hit = cache_.get(key)) return std::optional<persistence::ServiceRecord>(std::move(*hit));
  auto found = database_.services().find(code, edition);
  if (found.ok() && found.value()) cache_.put(key, *found.value());
  return found;
}

}  // namespace gateway::core
