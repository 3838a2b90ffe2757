#pragma once
// The broker's retention job: a thread in gatewayd that runs BrokerService::expireDue() every
// `interval` (and once at start), so files past their service's availability period are deleted
// from the file store and show as expired. Several gateway processes may run it at once: a
// shipment's state change is a locked transaction and removing an absent file is harmless.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace gateway::core {

class BrokerService;

class BrokerRetentionJob {
 public:
  // `service` must outlive the job.
  BrokerRetentionJob(BrokerService& service, std::chrono::seconds interval);
  ~BrokerRetentionJob();  // stops
  BrokerRetentionJob(const BrokerRetentionJob&) = delete;
  BrokerRetentionJob& operator=(const BrokerRetentionJob&) = delete;

  void start();
  void stop();  // waits for the pass in progress

 private:
  void loop();

  BrokerService& service_;
  std::chrono::seconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace gateway::core
