// One stage of in-memory objects through the deploy engine, for bootstrap:
// the engine's phases (deploy_objects), webhook retries around them, and
// the stage's name in the errors. (The client itself retries a 500 a few
// times first, silently unless -v: a webhook that comes up within seconds
// never reaches the loop here.)
#include <thread>

#include "deploy.hpp"
#include "lo/duration.hpp"

namespace lo::deploy {
namespace {

using clock = std::chrono::steady_clock;

// The webhook an apply failed to call ("failed calling webhook \"x\": ..."),
// or "" when the failure is something else.
std::string failed_webhook(const Error& e) {
  static const std::string needle = "failed calling webhook";
  for (const auto& p : e.problems()) {
    size_t at = p.what.find(needle);
    if (at == std::string::npos) continue;
    size_t q1 = p.what.find('"', at + needle.size());
    size_t q2 = q1 == std::string::npos ? q1 : p.what.find('"', q1 + 1);
    return q2 == std::string::npos ? std::string("(unnamed)") : p.what.substr(q1 + 1, q2 - q1 - 1);
  }
  return {};
}

// The engine speaks of targets; here the unit is a stage.
Error as_stage_error(const Error& e, const std::string& name, const std::string& extra = {}) {
  std::vector<Problem> problems = e.problems();
  const std::string target = "target " + name + ": ";
  for (auto& p : problems)
    if (p.what.rfind(target, 0) == 0) p.what = "stage " + name + ": " + p.what.substr(target.size());
  if (!extra.empty()) problems.push_back(Problem{Severity::Error, {}, "stage " + name + ": " + extra, {}});
  return Error(std::move(problems));
}

}  // namespace

TargetOutcome apply_stage(KubeClient& client, const ClusterChoice& cluster, const std::string& name,
                          const std::vector<Manifest>& objects, const StageOptions& so, Progress& progress) {
  DeployOptions o;
  o.timeout = so.timeout;
  o.wait = so.wait;
  o.concurrency = so.concurrency;
  o.force_conflicts = true;  // an installer owns what it installs, as kubectl apply --force-conflicts
  TargetPlan t;
  t.name = name;
  t.objects = objects;
  t.unfiltered = objects.size();
  const auto start = clock::now(), deadline = start + so.timeout;
  std::chrono::milliseconds backoff = so.first_retry;
  for (int attempt = 1;; ++attempt) {
    try {
      return deploy_objects(client, o, cluster, progress, t);
    } catch (const ApiError&) {
      throw;  // the server cannot be reached or refuses lo itself
    } catch (const Error& e) {
      std::string hook = failed_webhook(e);
      if (hook.empty()) throw as_stage_error(e, name);
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
      if (left < backoff)
        throw as_stage_error(e, name, "admission webhook \"" + hook + "\" still could not be called after " +
                                          std::to_string(attempt) + (attempt == 1 ? " attempt" : " attempts") + " in " +
                                          format_seconds(clock::now() - start));
      progress.note("[" + name + "] admission webhook \"" + hook + "\" cannot be called yet (its service is not up); applying again in " +
                    format_seconds(backoff));
      std::this_thread::sleep_for(backoff);
      backoff = std::min<std::chrono::milliseconds>(backoff * 2, std::chrono::seconds(8));
    }
  }
}

}  // namespace lo::deploy
