// Waiting until objects are healthy, by WATCH (never by polling): one
// watch per collection (resource + namespace) the objects live in, each
// event judged by lo::judge_health. It stops when all are Ready, as soon as
// one Failed, or at the deadline.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "lo/kube_client.hpp"
#include "lo/readiness.hpp"
#include "progress.hpp"

namespace lo::deploy {

struct WaitItem {
  ResourceInfo resource;
  std::string ns, name;
  std::string display;  // how the user sees it, e.g. Deployment/demo/web
  HealthStatus health{Health::InProgress, "not seen yet"};
};

struct WaitResult {
  bool all_ready = false;
  bool timed_out = false;
  std::vector<std::string> watch_errors;  // collections that could not be watched
};

WaitResult wait_healthy(KubeClient& client, std::vector<WaitItem>& items,
                        std::chrono::steady_clock::time_point deadline, Progress& progress);

}  // namespace lo::deploy
