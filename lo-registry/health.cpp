// Health, not just existence: every registry container carries a Docker
// health check whose command runs inside the container and asks the
// registry's own /v2/ on localhost (busybox wget, in the official image as in
// lo's test image). `up` waits for Docker's verdict; nothing is ever sent
// from the host to a container address (that fails on Docker Desktop, and
// lo's tests forbid it).
//
// A registry does not answer when its container is restarting or exited,
// restarted again while lo waited (a crash loop: a mirror whose upstream
// cannot be reached panics at start), is unhealthy, or is still starting
// when the time is up. Each is named with its state and the last lines of
// its log, and `up` exits 1. Upstream (and lo before) said "registries are
// up" in all of these cases.
#include <algorithm>
#include <sstream>
#include <thread>

#include "registry.hpp"

namespace lo::registry {

namespace {

// Docker has no "start interval" before API 1.44: the first check runs one
// interval after the start, so this is also how long a fresh `up` waits at
// least. 5s keeps that short and costs about 25 ms of daemon CPU per check.
constexpr const char* kHealthInterval = "5s";
constexpr const char* kHealthTimeout = "3s";
constexpr const char* kHealthRetries = "3";
constexpr auto kPoll = std::chrono::milliseconds(500);

bool bad_state(const std::string& s) { return s == "restarting" || s == "exited" || s == "dead" || s == "created"; }

std::string describe(const Container& c, int since) {
  std::string s = c.state.empty() ? "unknown state" : c.state;
  if (!c.health.empty()) s += " (health: " + c.health + ")";
  int more = c.restarts - since;
  if (more > 0) s += ", restarted " + std::to_string(more) + (more == 1 ? " time" : " times") + " while lo waited";
  return s;
}

bool stack_frame(const std::string& line, const std::string& next) {
  if (line.rfind("goroutine ", 0) == 0 && line.back() == ':') return true;
  if (!line.empty() && line[0] == '\t') return true;
  return !next.empty() && next[0] == '\t' && next.find(".go:") != std::string::npos;
}

// A logrus line of the registry without what repeats on every line: the
// time stamp and the trailing go.version/instance.id/service/version fields.
std::string compact(std::string line) {
  if (line.rfind("time=\"", 0) == 0)
    if (auto end = line.find("\" ", 6); end != std::string::npos) line.erase(0, end + 2);
  if (auto tail = line.find(" go.version="); tail != std::string::npos) line.resize(tail);
  return line.size() > 300 ? line.substr(0, 300) + " ..." : line;
}

bool error_line(const std::string& line) {
  return line.rfind("panic:", 0) == 0 || line.rfind("fatal error:", 0) == 0 || line.find("level=fatal") != std::string::npos ||
         line.find("level=error") != std::string::npos;
}

}  // namespace

std::vector<std::string> health_flags(bool tls) {
  // `|| exit 1`: Docker reads exit 1 as unhealthy; wget's other codes mean the same here.
  std::string probe = tls ? "wget -q -O /dev/null --no-check-certificate https://localhost:443/v2/ || exit 1"
                          : "wget -q -O /dev/null http://localhost:80/v2/ || exit 1";
  return {"--health-cmd", probe, std::string("--health-interval=") + kHealthInterval,
          std::string("--health-timeout=") + kHealthTimeout, std::string("--health-retries=") + kHealthRetries};
}

std::vector<std::string> log_excerpt(const std::string& log, size_t n) {
  std::vector<std::string> all, kept;
  std::istringstream in(log);
  for (std::string l; std::getline(in, l);) {
    while (!l.empty() && (l.back() == '\r' || l.back() == ' ')) l.pop_back();
    all.push_back(l);
  }
  for (size_t i = 0; i < all.size(); ++i) {
    if (all[i].empty() || stack_frame(all[i], i + 1 < all.size() ? all[i + 1] : "")) continue;
    kept.push_back(compact(all[i]));
  }
  std::vector<std::string> out(kept.end() - std::min(n, kept.size()), kept.end());
  if (std::none_of(out.begin(), out.end(), error_line)) {
    auto last = std::find_if(kept.rbegin(), kept.rend(), error_line);
    if (last != kept.rend()) out.insert(out.begin(), {*last, "..."});
  }
  return out;
}

void wait_until_answering(Runner& runner, docker::Docker& d, const std::vector<Registry>& regs,
                          const std::map<std::string, int>& restarts, std::chrono::seconds timeout) {
  if (regs.empty()) return;
  if (runner.dry_run()) {
    runner.note("then wait until each registry answers its Docker health check (GET /v2/ inside the container)");
    return;
  }
  runner.note("waiting for " + std::to_string(regs.size()) + " registr" + (regs.size() == 1 ? "y" : "ies") +
              " to answer (Docker health check: GET /v2/ inside each container)");
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::map<std::string, const Registry*> pending;
  for (const auto& r : regs) pending[r.container] = &r;
  struct Failure {
    const Registry* r;
    std::string why;
  };
  std::vector<Failure> failures;
  std::map<std::string, Container> last;
  while (!pending.empty()) {
    std::vector<std::string> names;
    for (const auto& [name, _] : pending) names.push_back(name);
    last = inspect_containers(d, names);
    for (auto it = pending.begin(); it != pending.end();) {
      const std::string& name = it->first;
      int since = restarts.count(name) ? restarts.at(name) : 0;
      auto c = last.find(name);
      if (c == last.end()) {
        failures.push_back({it->second, "its container is gone"});
      } else if (bad_state(c->second.state) || c->second.restarts > since || c->second.health == "unhealthy") {
        failures.push_back({it->second, describe(c->second, since)});
      } else if (c->second.state == "running" && (c->second.health == "healthy" || c->second.health.empty())) {
        runner.note("registry " + it->second->name + " (" + name + "): answering");
      } else {
        ++it;
        continue;
      }
      it = pending.erase(it);
    }
    if (pending.empty()) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      for (const auto& [name, r] : pending) {
        auto c = last.find(name);
        failures.push_back({r, "did not answer within " + std::to_string(timeout.count()) + "s" +
                                   (c == last.end() ? std::string() : ": " + describe(c->second, restarts.count(name) ? restarts.at(name) : 0))});
      }
      break;
    }
    std::this_thread::sleep_for(kPoll);
  }
  if (failures.empty()) return;

  std::vector<Problem> problems;
  for (const auto& f : failures) {
    std::string what = "registry " + f.r->name + " (" + f.r->container + ") does not answer: " + f.why;
    ExecResult log = d.query({"logs", "--tail", "60", f.r->container});
    auto lines = log_excerpt(log.out + log.err, 6);
    if (lines.empty()) what += "; its log is empty";
    else what += "; last lines of its log:";
    for (const auto& l : lines) what += "\n    " + l;
    std::string hint = "`docker logs " + f.r->container + "` shows the whole log";
    if (!f.r->upstream.empty())
      hint = "a pull-through mirror stops at start when its upstream " + f.r->upstream +
             " cannot be reached: check the URL and the network; " + hint;
    problems.push_back(Problem{Severity::Error, {}, what, hint});
  }
  problems.push_back(Problem{Severity::Error, {},
                             std::to_string(failures.size()) + " of " + std::to_string(regs.size()) + " registr" +
                                 (regs.size() == 1 ? "y does" : "ies do") + " not answer",
                             "fix the cause and run `lo-registry up` again; `lo-registry status` shows each container's state"});
  throw Error(std::move(problems));
}

}  // namespace lo::registry
