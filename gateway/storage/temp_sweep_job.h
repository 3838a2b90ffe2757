#pragma once
// The temp-file sweep as a gatewayd background thread, in the pattern of core::BrokerRetentionJob:
// sweepTempFiles() once at start and then every `interval` until stop(). Several gateway processes
// sharing the folders may run it at once: removing a file someone else just removed is harmless.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "storage/temp_sweep.h"

namespace gateway::storage {

class TempSweepJob {
 public:
  TempSweepJob(TempSweepRoots roots, std::chrono::seconds max_age, std::chrono::seconds interval);
  ~TempSweepJob();  // stops
  TempSweepJob(const TempSweepJob&) = delete;
  TempSweepJob& operator=(const TempSweepJob&) = delete;

  void start();
  void stop();  // waits for the sweep in progress

 private:
  void loop();

  const TempSweepRoots roots_;
  const std::chrono::seconds max_age_;
  const std::chrono::seconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace gateway::storage
