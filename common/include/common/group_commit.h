#pragma once
// Leader/follower group commit: concurrent callers of submit() are gathered into batches and one of
// them, the leader, runs the batch function for all of them while the others sleep until their own
// outcome is set. There is no thread of its own: a lone caller leads a batch of one at once, and under
// load the next batch fills up by itself while the previous one is written, so the latency of a
// durable commit turns into batch size instead of queueing. Up to max_leaders batches are written at
// the same time (so one can be inserting while another waits for its commit to reach the disk).
//
// Contract of `write`: called by at most max_leaders threads at a time, each with a batch of items in
// arrival order (batches taken by different leaders may commit in either order), and returns
// exactly one Outcome per item, in the same order (a wrong count is a bug: every item of that batch
// then gets the exception std::logic_error). If it throws, every caller of that batch gets the
// exception. A batch holds at most max_items items and at most max_weight units of weight, except
// that a single item heavier than max_weight goes alone.
//
// Thread-safe. Items are borrowed: each stays owned by its caller, who is blocked in submit() until
// the batch that holds it has been written.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace gateway {

template <typename Item, typename Outcome>
class GroupCommit {
 public:
  using Write = std::function<std::vector<Outcome>(const std::vector<const Item*>& batch)>;
  using Weigh = std::function<std::size_t(const Item&)>;

  GroupCommit(Write write, std::size_t max_items, std::size_t max_weight, Weigh weigh, std::size_t max_leaders = 1)
      : write_(std::move(write)),
        max_items_(max_items == 0 ? 1 : max_items),
        max_weight_(max_weight),
        weigh_(std::move(weigh)),
        max_leaders_(max_leaders == 0 ? 1 : max_leaders) {}
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // Callers queued and not yet taken into a batch (for tests and metrics).
  std::size_t waiting() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return queue_.size();
  }

  Outcome submit(const Item& item) {
    Waiter me(item, weigh_ ? weigh_(item) : 0);
    std::unique_lock<std::mutex> lock(mutex_);
    queue_.push_back(&me);
    if (leaders_ < max_leaders_) {
      ++leaders_;
      me.lead = true;
    }
    me.wake.wait(lock, [&] { return me.done || me.lead; });
    // A leader writes batches from the front of the queue until its own item has been written, then
    // hands the lead to the first caller still waiting.
    while (!me.done) {
      std::vector<Waiter*> batch = takeBatch();
      lock.unlock();
      writeBatch(batch);
      lock.lock();
      for (Waiter* waiter : batch) {
        waiter->done = true;
        if (waiter != &me) waiter->wake.notify_one();
      }
    }
    if (me.lead) {
      if (queue_.empty()) {
        --leaders_;
      } else {
        queue_.front()->lead = true;
        queue_.front()->wake.notify_one();
      }
    }
    lock.unlock();
    if (me.error) std::rethrow_exception(me.error);
    return std::move(*me.outcome);
  }

 private:
  struct Waiter {
    Waiter(const Item& i, std::size_t w) : item(&i), weight(w) {}
    const Item* item;
    std::size_t weight;
    bool lead = false;
    bool done = false;
    std::optional<Outcome> outcome;
    std::exception_ptr error;
    std::condition_variable wake;
  };

  // Called with the mutex held; the queue is never empty here (the leader's own item is in it).
  std::vector<Waiter*> takeBatch() {
    std::vector<Waiter*> batch;
    std::size_t weight = 0;
    while (!queue_.empty() && batch.size() < max_items_) {
      Waiter* next = queue_.front();
      if (!batch.empty() && weight + next->weight > max_weight_) break;
      weight += next->weight;
      batch.push_back(next);
      queue_.pop_front();
    }
    return batch;
  }

  // Called without the mutex: only the leader touches the outcomes of the batch it took.
  void writeBatch(const std::vector<Waiter*>& batch) {
    std::vector<const Item*> items;
    items.reserve(batch.size());
    for (const Waiter* waiter : batch) items.push_back(waiter->item);
    try {
      std::vector<Outcome> outcomes = write_(items);
      if (outcomes.size() != batch.size()) throw std::logic_error("GroupCommit: write returned a wrong count");
      for (std::size_t i = 0; i < batch.size(); ++i) batch[i]->outcome.emplace(std::move(outcomes[i]));
    } catch (...) {
      for (Waiter* waiter : batch) waiter->error = std::current_exception();
    }
  }

  Write write_;
  std::size_t max_items_;
  std::size_t max_weight_;
  Weigh weigh_;
  std::size_t max_leaders_;
  mutable std::mutex mutex_;
  std::deque<Waiter*> queue_;
  std::size_t leaders_ = 0;
};

}  // namespace gateway
