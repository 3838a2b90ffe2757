// IoLane (common/io_lane.h): jobs run one at a time, in order, on a thread of the lane's own.
#define BOOST_TEST_MODULE io_lane_test
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "common/io_lane.h"

using gateway::IoLane;

BOOST_AUTO_TEST_SUITE(IoLaneSuite)

BOOST_AUTO_TEST_CASE(StartsNoThreadUntilTheFirstJob) {
  IoLane lane;
  BOOST_TEST(!lane.started());
  lane.wait();  // nothing to wait for
  BOOST_TEST(!lane.started());
}

BOOST_AUTO_TEST_CASE(RunsJobsInOrderOnAnotherThreadAndWaitShowsTheirResults) {
  IoLane lane;
  std::vector<int> order;  // written by the lane only; read after wait()
  std::thread::id ran_on;
  for (int i = 0; i < 100; ++i) {
    lane.post([&order, &ran_on, i] {
      order.push_back(i);
      ran_on = std::this_thread::get_id();
    });
  }
  lane.wait();
  BOOST_TEST(lane.started());
  BOOST_REQUIRE(order.size() == 100u);
  for (int i = 0; i < 100; ++i) BOOST_TEST(order[static_cast<std::size_t>(i)] == i);
  BOOST_TEST((ran_on != std::this_thread::get_id()));
}

// post() hands over a job only after the previous one finished: the caller may then reuse what the
// previous job used (double buffering).
BOOST_AUTO_TEST_CASE(PostWaitsForThePreviousJob) {
  IoLane lane;
  std::atomic<bool> first_done{false};
  lane.post([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    first_done = true;
  });
  lane.post([] {});
  BOOST_TEST(first_done.load());
}

// The job runs concurrently with the caller: the caller can work while the lane does.
BOOST_AUTO_TEST_CASE(TheCallerGoesOnWhileAJobRuns) {
  IoLane lane;
  std::atomic<bool> release{false};
  std::atomic<bool> finished{false};
  lane.post([&] {
    while (!release) std::this_thread::yield();
    finished = true;
  });
  BOOST_TEST(!finished.load());  // post() returned while the job still waits for the caller
  release = true;
  lane.wait();
  BOOST_TEST(finished.load());
}

BOOST_AUTO_TEST_CASE(DestructionWaitsForTheJobInProgress) {
  std::atomic<bool> finished{false};
  {
    IoLane lane;
    lane.post([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(30));
      finished = true;
    });
  }
  BOOST_TEST(finished.load());
}

BOOST_AUTO_TEST_SUITE_END()
