#include "schedule.hpp"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace lo::bootstrap {

std::vector<StageRun> run_graph(const std::vector<std::vector<size_t>>& parents, unsigned parallel,
                                const std::function<void(size_t)>& run) {
  const size_t n = parents.size();
  std::vector<StageRun> out(n);
  std::vector<std::vector<size_t>> children(n);
  for (size_t i = 0; i < n; ++i)
    for (size_t p : parents[i]) children[p].push_back(i);
  std::vector<bool> started(n, false);
  std::mutex mu;
  std::condition_variable cv;
  size_t running = 0, finished = 0;
  std::vector<std::thread> threads;
  parallel = std::max(1u, parallel);

  // With mu held: marks the stages behind a failure as skipped.
  std::function<void(size_t, size_t)> skip = [&](size_t from, size_t cause) {
    for (size_t c : children[from]) {
      if (started[c]) continue;
      started[c] = true;
      out[c].state = StageState::Skipped;
      out[c].cause = cause;
      ++finished;
      skip(c, cause);
    }
  };
  auto ready = [&](size_t i) {
    return !started[i] &&
           std::all_of(parents[i].begin(), parents[i].end(), [&](size_t p) { return out[p].state == StageState::Done; });
  };

  std::unique_lock<std::mutex> lock(mu);
  while (finished < n) {
    for (size_t i = 0; i < n && running < parallel; ++i) {
      if (!ready(i)) continue;
      started[i] = true;
      ++running;
      threads.emplace_back([&, i] {
        StageRun r;
        try {
          run(i);
          r.state = StageState::Done;
        } catch (const Error& e) {
          r.state = StageState::Failed;
          r.problems = e.problems();
        } catch (const std::exception& e) {
          r.state = StageState::Failed;
          r.problems.push_back(Problem{Severity::Error, {}, std::string("internal error: ") + e.what(), {}});
        }
        std::lock_guard<std::mutex> g(mu);
        out[i] = std::move(r);
        if (out[i].state == StageState::Failed) skip(i, i);
        --running;
        ++finished;
        cv.notify_all();
      });
    }
    if (finished >= n) break;
    if (running == 0) break;  // nothing runs and nothing can start: the rest waits on failures
    cv.wait(lock);
  }
  lock.unlock();
  for (auto& t : threads) t.join();
  return out;
}

}  // namespace lo::bootstrap
