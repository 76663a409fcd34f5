// lo::parallel_for (common/include/lo/parallel.hpp).
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "lo/parallel.hpp"

namespace {

TEST(ParallelFor, RunsEveryIndexOnceOnSeveralThreads) {
  for (size_t batch : {1, 7, 64}) {
    std::vector<std::atomic<int>> runs(1000);
    std::mutex mu;
    std::set<std::thread::id> threads;
    lo::parallel_for(runs.size(), 4, [&](size_t i) {
      ++runs[i];
      std::lock_guard<std::mutex> lock(mu);
      threads.insert(std::this_thread::get_id());
    }, batch);
    for (auto& r : runs) EXPECT_EQ(r.load(), 1);
    EXPECT_GE(threads.size(), 1u);
    EXPECT_LE(threads.size(), 4u);
  }
  int calls = 0;
  lo::parallel_for(0, 4, [&](size_t) { ++calls; });
  lo::parallel_for(3, 1, [&](size_t) { ++calls; });  // on the calling thread only
  EXPECT_EQ(calls, 3);
}

TEST(ParallelFor, TheFirstExceptionReachesTheCaller) {
  std::atomic<int> after{0};
  EXPECT_THROW(lo::parallel_for(10000, 3, [&](size_t i) {
                 if (i == 10) throw std::runtime_error("job 10");
                 if (i > 5000) ++after;
               }),
               std::runtime_error);
  EXPECT_LT(after.load(), 4990);  // the handing out stopped
}

}  // namespace
