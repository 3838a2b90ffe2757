#pragma once
// A thread of its own for one transfer's disk work, one job at a time, so that the connection's
// thread can decrypt and fill the next buffer while the lane hashes and writes (or reads) the
// previous one. The usual pattern is double buffering: fill A, post(A), fill B, post(B) (which first
// waits for A's job, so A is free again), fill A, ...
//
// The thread starts at the first post(), so a transfer that never needs it never pays for it; if
// the thread cannot be started, post() runs the job itself. Not thread-safe: the lane belongs to
// one caller thread. Jobs must not throw (a thrown exception ends the process, as on any thread).
// Everything a job wrote is visible to the caller once wait() (or the next post()) has returned.

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace gateway {

class IoLane {
 public:
  IoLane() = default;
  ~IoLane();  // waits for the job in progress, then stops the thread
  IoLane(const IoLane&) = delete;
  IoLane& operator=(const IoLane&) = delete;

  // Waits until the previous job has finished, then hands `job` to the lane's thread.
  void post(std::function<void()> job);
  // Returns once no job is pending or running.
  void wait();
  // Whether the lane's thread was started (a test and diagnostics hook).
  bool started() const { return thread_.joinable(); }

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable changed_;
  std::function<void()> job_;
  bool busy_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace gateway
