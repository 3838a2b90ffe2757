#pragma once
// Retry schedule of the delivery worker: after the n-th failed attempt (n >= 1) the message waits
// base * 2^(n-1) seconds, capped at `max_seconds`. Pure.

#include <chrono>

namespace gateway::delivery {

std::chrono::seconds retryDelay(int failed_attempts, int base_seconds, int max_seconds);

}  // namespace gateway::delivery
