#include "storage/temp_sweep_job.h"

#include <utility>

namespace gateway::storage {

TempSweepJob::TempSweepJob(TempSweepRoots roots, std::chrono::seconds max_age, std::chrono::seconds interval)
    : roots_(std::move(roots)), max_age_(max_age), interval_(interval) {}

TempSweepJob::~TempSweepJob() { stop(); }

void TempSweepJob::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void TempSweepJob::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void TempSweepJob::loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    TempSweepOptions options;
    options.max_age = max_age_;
    options.now = std::chrono::system_clock::now();
    sweepTempFiles(roots_, options);  // logs its own line
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

}  // namespace gateway::storage
