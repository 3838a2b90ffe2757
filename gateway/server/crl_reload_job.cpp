#include "server/crl_reload_job.h"

namespace gateway::server {

CrlReloadJob::CrlReloadJob(CrlReloader& reloader, std::chrono::seconds interval)
    : reloader_(reloader), interval_(interval) {}

CrlReloadJob::~CrlReloadJob() { stop(); }

void CrlReloadJob::start() {
  if (thread_.joinable() || interval_.count() <= 0) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void CrlReloadJob::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void CrlReloadJob::loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    if (wake_.wait_for(lock, interval_, [this] { return stopping_; })) return;
    lock.unlock();
    reloader_.reload(ReloadTrigger::kPeriodic);  // logs its own line when it reads the file
    lock.lock();
  }
}

}  // namespace gateway::server
