// The stage scheduler (kubectl-lo/bootstrap/schedule.cpp): parents first,
// a failure skips exactly its dependents, never more than `parallel` at once.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "kubectl-lo/bootstrap/schedule.hpp"

using lo::bootstrap::run_graph;
using lo::bootstrap::StageState;

TEST(Schedule, AChainStopsAtTheFailureAndSaysWhy) {
  std::vector<int> ran;
  std::mutex mu;
  auto out = run_graph({{}, {0}, {1}, {2}}, 1, [&](size_t i) {
    std::lock_guard<std::mutex> g(mu);
    ran.push_back(static_cast<int>(i));
    if (i == 1) throw lo::Error("stage b failed");
  });
  EXPECT_EQ(ran, (std::vector<int>{0, 1}));
  EXPECT_EQ(out[0].state, StageState::Done);
  EXPECT_EQ(out[1].state, StageState::Failed);
  EXPECT_EQ(out[1].problems.at(0).what, "stage b failed");
  EXPECT_EQ(out[2].state, StageState::Skipped);
  EXPECT_EQ(out[2].cause, 1u);
  EXPECT_EQ(out[3].state, StageState::Skipped);
  EXPECT_EQ(out[3].cause, 1u);
}

TEST(Schedule, AFailureSkipsOnlyItsDependents) {
  // a, b independent; c after a; d after b and c; e after b
  std::atomic<int> runs{0};
  auto out = run_graph({{}, {}, {0}, {1, 2}, {1}}, 4, [&](size_t i) {
    ++runs;
    if (i == 0) throw lo::Error("a failed");
  });
  EXPECT_EQ(out[0].state, StageState::Failed);
  EXPECT_EQ(out[1].state, StageState::Done);
  EXPECT_EQ(out[2].state, StageState::Skipped);
  EXPECT_EQ(out[3].state, StageState::Skipped);
  EXPECT_EQ(out[3].cause, 0u);
  EXPECT_EQ(out[4].state, StageState::Done);
  EXPECT_EQ(runs.load(), 3);
}

TEST(Schedule, IndependentStagesRunAtOnceButNeverMoreThanParallel) {
  // Two stages that each wait for the other to have started: they can only
  // both finish if they run at once (the wait has a deadlock guard, not a
  // timing assertion).
  std::mutex mu;
  std::condition_variable cv;
  int started = 0, in_flight = 0, most = 0;
  auto out = run_graph({{}, {}, {}, {}, {}}, 2, [&](size_t i) {
    std::unique_lock<std::mutex> lock(mu);
    most = std::max(most, ++in_flight);
    if (i < 2) {
      ++started;
      cv.notify_all();
      if (!cv.wait_for(lock, std::chrono::seconds(30), [&] { return started == 2; }))
        throw lo::Error("stage " + std::to_string(i) + " never saw the other one start");
    }
    --in_flight;
  });
  for (const auto& r : out) EXPECT_EQ(r.state, StageState::Done);
  EXPECT_EQ(most, 2);
}
