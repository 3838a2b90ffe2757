#include "delivery/backoff.h"

#include <algorithm>

namespace gateway::delivery {

std::chrono::seconds retryDelay(int failed_attempts, int base_seconds, int max_seconds) {
  long long delay = std::max(base_seconds, 0);
  for (int i = 1; i < failed_attempts && delay < max_seconds; ++i) delay *= 2;  // stops before overflow
  return std::chrono::seconds(std::min<long long>(delay, std::max(max_seconds, 0)));
}

}  // namespace gateway::delivery
