// Bounded parallelism for independent requests: fn(i) for every i in [0, n)
// on at most `workers` threads, the caller's included. The first exception
// thrown by fn is rethrown once every thread has finished.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace lo {

template <typename F>
void parallel_for(size_t n, size_t workers, F fn) {
  std::atomic<size_t> next{0};
  std::mutex mu;
  std::exception_ptr first;
  auto run = [&] {
    for (size_t i; (i = next++) < n;) {
      try {
        fn(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mu);
        if (!first) first = std::current_exception();
        next = n;  // no new work after a failure
      }
    }
  };
  size_t count = std::min(n, std::max<size_t>(1, workers));
  std::vector<std::thread> threads;
  for (size_t i = 1; i < count; ++i) threads.emplace_back(run);
  run();
  for (auto& t : threads) t.join();
  if (first) std::rethrow_exception(first);
}

}  // namespace lo
