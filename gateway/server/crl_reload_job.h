#pragma once
// The periodic half of CRL reloading: a thread that calls CrlReloader::reload(kPeriodic) every
// `interval` (tls.crl_reload_seconds) until stop(); the reloader reads the file only when it changed.
// An interval of zero starts no thread (reloads then happen only on SIGHUP).
//
// Thread safety: start() and stop() from one owning thread; the reloader must outlive the job.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "server/crl_reloader.h"

namespace gateway::server {

class CrlReloadJob {
 public:
  CrlReloadJob(CrlReloader& reloader, std::chrono::seconds interval);
  ~CrlReloadJob();  // stops
  CrlReloadJob(const CrlReloadJob&) = delete;
  CrlReloadJob& operator=(const CrlReloadJob&) = delete;

  void start();
  void stop();  // waits for a reload in progress

 private:
  void loop();

  CrlReloader& reloader_;
  const std::chrono::seconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace gateway::server
