#include "core/broker_retention_job.h"

#include "common/log.h"
#include "core/broker_service.h"

namespace gateway::core {

BrokerRetentionJob::BrokerRetentionJob(BrokerService& service, std::chrono::seconds interval)
    : service_(service), interval_(interval) {}

BrokerRetentionJob::~BrokerRetentionJob() { stop(); }

void BrokerRetentionJob::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void BrokerRetentionJob::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void BrokerRetentionJob::loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    // A full pass may leave more due: run again at once until a pass finds less than its limit.
    for (;;) {
      auto pass = service_.expireDue();
      if (!pass.ok()) {
        log::warn("broker.retention.failed", {{"error", pass.status().message()}});
        break;
      }
      if (pass->expired < 500 || pass->blobs_removed == 0) break;
    }
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

}  // namespace gateway::core
