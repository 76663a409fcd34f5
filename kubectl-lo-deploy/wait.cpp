#include "wait.hpp"

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

namespace lo::deploy {

WaitResult wait_healthy(KubeClient& client, std::vector<WaitItem>& items,
                        std::chrono::steady_clock::time_point deadline, Progress& progress) {
  WaitResult result;
  if (items.empty()) {
    result.all_ready = true;
    return result;
  }
  std::map<std::string, std::vector<size_t>> groups;
  for (size_t i = 0; i < items.size(); ++i)
    groups[KubeClient::collection_path(items[i].resource, items[i].ns)].push_back(i);

  std::mutex mu;
  std::condition_variable cv;
  std::atomic<bool> cancel{false};
  size_t running = groups.size();
  std::vector<std::thread> threads;

  auto all_of_state = [&](const std::vector<size_t>& idx, Health h) {
    for (size_t i : idx)
      if (items[i].health.state != h) return false;
    return true;
  };

  for (const auto& [path, idx] : groups) {
    threads.emplace_back([&, path = path, idx = idx] {
      ListOptions lopts;
      lopts.managed_fields = false;  // health reads status and spec only
      if (idx.size() == 1) lopts.field_selector = "metadata.name=" + items[idx[0]].name;
      auto handler = [&](const WatchEvent& ev) -> bool {
        if (ev.type == WatchEvent::Type::Reset) return false;
        const Json& meta = ev.object.is_object() && ev.object.contains("metadata") ? ev.object["metadata"] : Json();
        std::string name = meta.is_object() ? meta.value("name", "") : "";
        std::lock_guard<std::mutex> lock(mu);
        for (size_t i : idx) {
          WaitItem& it = items[i];
          if (it.name != name) continue;
          HealthStatus h = ev.type == WatchEvent::Type::Deleted
                               ? HealthStatus{Health::InProgress, "deleted while waiting"}
                               : judge_health(it.resource.group, it.resource.kind, ev.object);
          Health before = it.health.state;
          it.health = h;
          if (h.state != before && h.state == Health::Ready) progress.ok(it.display + ": " + h.message, {{"object", it.display}});
          if (h.state != before && h.state == Health::Failed) progress.fail(it.display + ": " + h.message, {{"object", it.display}});
        }
        cv.notify_all();
        return all_of_state(idx, Health::Ready) || cancel.load();
      };
      try {
        client.watch(path, lopts, handler, deadline, &cancel);
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(mu);
        result.watch_errors.push_back(std::string("cannot watch ") + path + ": " + e.what());
      }
      std::lock_guard<std::mutex> lock(mu);
      --running;
      cv.notify_all();
    });
  }

  {
    std::unique_lock<std::mutex> lock(mu);
    for (;;) {
      size_t ready = 0, failed = 0;
      std::string waiting;
      size_t shown = 0;
      for (const auto& it : items) {
        if (it.health.state == Health::Ready) ++ready;
        else if (it.health.state == Health::Failed) ++failed;
        else if (shown++ < 3) waiting += (waiting.empty() ? "" : ", ") + it.display + " (" + it.health.message + ")";
      }
      if (ready == items.size()) {
        result.all_ready = true;
        break;
      }
      if (failed > 0) break;
      auto now = std::chrono::steady_clock::now();
      if (now >= deadline) {
        result.timed_out = true;
        break;
      }
      // The watches end at the deadline too: only an end before it means
      // they stopped (checked second, so a loaded machine cannot turn a
      // timeout into "waiting stopped").
      if (running == 0) break;
      auto left = std::chrono::duration_cast<std::chrono::seconds>(deadline - now).count();
      size_t pending = items.size() - ready - failed;
      if (shown > 3) waiting += ", ...";
      progress.status("waiting on " + std::to_string(pending) + " (" + std::to_string(left) + "s left): " + waiting);
      cv.wait_until(lock, std::min(deadline, now + std::chrono::milliseconds(250)));
    }
  }
  cancel = true;
  for (auto& t : threads) t.join();
  progress.clear_status();
  return result;
}

}  // namespace lo::deploy
