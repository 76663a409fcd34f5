// Running independent jobs on several threads: parallel_for hands out the
// indices 0..n-1 to up to `threads` threads (the calling one included) and
// returns when every job is done. The first exception a job throws stops the
// handing out and is rethrown to the caller once all threads have finished.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace lo {

// The number of cores (at least 1).
inline size_t cores() { return std::max(1u, std::thread::hardware_concurrency()); }

// Calls job(i) for every i < n, indices handed out `batch` at a time (a
// larger batch costs less coordination for many small jobs).
template <class Job>
void parallel_for(size_t n, size_t threads, Job&& job, size_t batch = 1) {
  batch = std::max<size_t>(batch, 1);
  threads = std::min(std::max<size_t>(threads, 1), (n + batch - 1) / batch);
  if (threads <= 1) {
    for (size_t i = 0; i < n; ++i) job(i);
    return;
  }
  std::atomic<size_t> next{0};
  std::mutex mu;
  std::exception_ptr first;
  auto work = [&] {
    try {
      for (size_t i; (i = next.fetch_add(batch)) < n;)
        for (size_t j = i; j < std::min(n, i + batch); ++j) job(j);
    } catch (...) {
      next = n;
      std::lock_guard<std::mutex> lock(mu);
      if (!first) first = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (size_t t = 1; t < threads; ++t) {
    try {
      pool.emplace_back(work);
    } catch (const std::system_error&) {
      break;  // no more threads to be had: the ones running share the work
    }
  }
  work();
  for (auto& t : pool) t.join();
  if (first) std::rethrow_exception(first);
}

}  // namespace lo
