#define BOOST_TEST_MODULE group_commit
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "common/group_commit.h"

using gateway::GroupCommit;

namespace {

// Records every batch it is given; answers each item with item * 10. The first batch can be held
// open until the test releases it, so that the following callers queue up behind it.
struct RecordingWriter {
  std::mutex mutex;
  std::vector<std::vector<int>> batches;
  std::atomic<bool> hold_first{false};
  std::atomic<bool> release{false};

  std::vector<int> operator()(const std::vector<const int*>& items) {
    bool first;
    {
      std::lock_guard<std::mutex> lock(mutex);
      first = batches.empty();
      std::vector<int> batch;
      for (const int* item : items) batch.push_back(*item);
      batches.push_back(batch);
    }
    if (first && hold_first) {
      while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    std::vector<int> out;
    for (const int* item : items) out.push_back(*item * 10);
    return out;
  }
};

template <typename Commit>
void waitUntilQueued(const Commit& commit, std::size_t count) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (commit.waiting() < count && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  BOOST_TEST_REQUIRE(commit.waiting() == count);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(GroupCommitSuite)

BOOST_AUTO_TEST_CASE(LoneCallerWritesABatchOfOneAtOnce) {
  RecordingWriter writer;
  GroupCommit<int, int> commit([&](const auto& items) { return writer(items); }, 8, 100, nullptr);
  BOOST_TEST(commit.submit(7) == 70);
  BOOST_TEST(commit.submit(8) == 80);
  BOOST_TEST_REQUIRE(writer.batches.size() == 2u);
  BOOST_TEST(writer.batches[0] == std::vector<int>{7});
}

BOOST_AUTO_TEST_CASE(CallersArrivingDuringAWriteShareTheNextBatchAndEachGetsItsOwnOutcome) {
  RecordingWriter writer;
  writer.hold_first = true;
  GroupCommit<int, int> commit([&](const auto& items) { return writer(items); }, 64, 1000, nullptr);
  constexpr int kCallers = 20;
  std::vector<int> results(kCallers + 1, -1);
  std::thread first([&] { results[0] = commit.submit(0); });
  while (true) {
    std::lock_guard<std::mutex> lock(writer.mutex);
    if (!writer.batches.empty()) break;
  }
  std::vector<std::thread> others;
  for (int i = 1; i <= kCallers; ++i) others.emplace_back([&, i] { results[i] = commit.submit(i); });
  waitUntilQueued(commit, kCallers);
  writer.release = true;
  first.join();
  for (auto& t : others) t.join();

  for (int i = 0; i <= kCallers; ++i) BOOST_TEST(results[i] == i * 10);
  BOOST_TEST_REQUIRE(writer.batches.size() == 2u);
  BOOST_TEST(writer.batches[1].size() == static_cast<std::size_t>(kCallers));
}

BOOST_AUTO_TEST_CASE(BatchesRespectTheItemAndWeightLimits) {
  RecordingWriter writer;
  writer.hold_first = true;
  // Weight = the item's value; at most 3 items and 10 units per batch.
  GroupCommit<int, int> commit([&](const auto& items) { return writer(items); }, 3, 10,
                               [](const int& item) { return static_cast<std::size_t>(item); });
  std::thread first([&] { commit.submit(1); });
  while (true) {
    std::lock_guard<std::mutex> lock(writer.mutex);
    if (!writer.batches.empty()) break;
  }
  // Queued in this order (one at a time, so the order is known): 1 1 1 1 4 4 4 20 1
  const std::vector<int> queued = {1, 1, 1, 1, 4, 4, 4, 20, 1};
  std::vector<std::thread> others;
  for (std::size_t i = 0; i < queued.size(); ++i) {
    others.emplace_back([&, i] { commit.submit(queued[i]); });
    waitUntilQueued(commit, i + 1);
  }
  writer.release = true;
  first.join();
  for (auto& t : others) t.join();

  const std::vector<std::vector<int>> expected = {{1}, {1, 1, 1}, {1, 4, 4}, {4}, {20}, {1}};
  BOOST_TEST_REQUIRE(writer.batches.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) BOOST_TEST(writer.batches[i] == expected[i]);
}

BOOST_AUTO_TEST_CASE(ASecondLeaderWritesWhileTheFirstBatchIsStillBeingWritten) {
  RecordingWriter writer;
  writer.hold_first = true;
  GroupCommit<int, int> commit([&](const auto& items) { return writer(items); }, 8, 100, nullptr, 2);
  std::atomic<bool> first_done{false};
  std::thread first([&] {
    commit.submit(1);
    first_done = true;
  });
  while (true) {
    std::lock_guard<std::mutex> lock(writer.mutex);
    if (!writer.batches.empty()) break;
  }
  BOOST_TEST(commit.submit(2) == 20);  // returns although batch 1 is held open
  BOOST_TEST(!first_done.load());
  writer.release = true;
  first.join();
  BOOST_TEST(writer.batches.size() == 2u);
}

BOOST_AUTO_TEST_CASE(WithOneLeaderTheNextCallerWaitsForTheBatchBeforeIt) {
  RecordingWriter writer;
  writer.hold_first = true;
  GroupCommit<int, int> commit([&](const auto& items) { return writer(items); }, 8, 100, nullptr, 1);
  std::thread first([&] { commit.submit(1); });
  while (true) {
    std::lock_guard<std::mutex> lock(writer.mutex);
    if (!writer.batches.empty()) break;
  }
  std::atomic<bool> second_done{false};
  std::thread second([&] {
    commit.submit(2);
    second_done = true;
  });
  waitUntilQueued(commit, 1);
  BOOST_TEST(!second_done.load());
  writer.release = true;
  first.join();
  second.join();
  BOOST_TEST(second_done.load());
}

BOOST_AUTO_TEST_CASE(AThrowingWriteReachesEveryCallerOfThatBatchOnly) {
  std::atomic<int> calls{0};
  GroupCommit<int, int> commit(
      [&](const std::vector<const int*>& items) -> std::vector<int> {
        ++calls;
        if (*items.front() < 0) throw std::runtime_error("write failed");
        return std::vector<int>(items.size(), 1);
      },
      8, 100, nullptr);
  BOOST_CHECK_THROW(commit.submit(-1), std::runtime_error);
  BOOST_TEST(commit.submit(5) == 1);  // the next batch is unaffected
  BOOST_TEST(calls.load() == 2);
}

BOOST_AUTO_TEST_CASE(AWriteReturningTheWrongCountIsALogicError) {
  GroupCommit<int, int> commit([](const std::vector<const int*>&) { return std::vector<int>{}; }, 8, 100, nullptr);
  BOOST_CHECK_THROW(commit.submit(1), std::logic_error);
}

BOOST_AUTO_TEST_CASE(ManyConcurrentCallersAllCompleteWithTheirOwnOutcome) {
  std::atomic<int> batches{0};
  GroupCommit<int, int> commit(
      [&](const std::vector<const int*>& items) {
        ++batches;
        std::this_thread::sleep_for(std::chrono::microseconds(200));  // a slow commit lets batches grow
        std::vector<int> out;
        for (const int* item : items) out.push_back(*item + 1);
        return out;
      },
      16, 1000, nullptr);
  constexpr int kThreads = 32, kEach = 50;
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const int item = t * 1000 + i;
        if (commit.submit(item) != item + 1) ++wrong;
      }
    });
  }
  for (auto& t : threads) t.join();
  BOOST_TEST(wrong.load() == 0);
  BOOST_TEST(commit.waiting() == 0u);
  BOOST_TEST(batches.load() < kThreads * kEach);  // some batches held more than one item
}

BOOST_AUTO_TEST_SUITE_END()
