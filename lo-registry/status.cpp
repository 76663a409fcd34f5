// lo-registry status [DOMAIN] [-o table|json]: one line per registry of the
// plan (shared mirrors included, marked shared): name, role, container,
// Docker's own state word (running, restarting, exited, created, paused,
// dead; missing when there is no container), the verdict of its health
// check, how often Docker restarted it, and the address containerd uses
// (https://<ip> with TLS, http://<ip> without; no port: 443/80).
// Upstream probed /v2/_catalog with curl from the host; lo only asks docker
// (whose health check asks the registry from inside its container), so
// status is fast and works without a route to the bridge (Docker Desktop).
// lo before this said "stopped" for a container Docker was restarting.
#include <iostream>

#include <nlohmann/json.hpp>

#include "lo/log.hpp"
#include "registry.hpp"

namespace lo::registry {

namespace {

int status(const cli::Args& a) {
  auto inv = invocation(a, true);
  const Target& t = inv.target;
  // Status only reads; a "dry run" of it is the same thing.
  Runner runner(false);
  docker::Docker d(runner);
  auto have = registry_containers(d);

  nlohmann::json list = nlohmann::json::array();
  std::vector<std::vector<std::string>> rows = {{"NAME", "ROLE", "CONTAINER", "STATE", "HEALTH", "RESTARTS", "ADDRESS", "NETWORK"}};
  for (const auto& r : t.eff.registries) {
    auto it = have.find(r.container);
    bool there = it != have.end();
    std::string state = !there ? "missing" : it->second.state.empty() ? "unknown" : it->second.state;
    std::string health = there ? it->second.health : "";
    int restarts = there ? it->second.restarts : 0;
    std::string address = std::string(t.tls ? "https://" : "http://") + r.ip.str();
    list.push_back({{"name", r.name},
                    {"role", to_string(r.role)},
                    {"container", r.container},
                    {"network", r.network},
                    {"shared", r.shared},
                    {"state", state},
                    {"health", health},
                    {"restarts", restarts},
                    {"address", address},
                    {"hostname", r.hostname},
                    {"port", r.port}});
    rows.push_back({r.name + (r.shared ? " (shared)" : ""), to_string(r.role), r.container, state,
                    health.empty() ? "-" : health, there ? std::to_string(restarts) : "-", address, r.network});
  }
  if (inv.opt.output == "json") {
    std::cout << list.dump(2) << "\n";
    return kExitOk;
  }
  std::vector<size_t> width(rows[0].size(), 0);
  for (const auto& row : rows)
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  for (size_t n = 0; n < rows.size(); ++n) {
    std::string line;
    for (size_t i = 0; i < rows[n].size(); ++i) {
      std::string cell = rows[n][i];
      size_t pad = i + 1 < rows[n].size() ? width[i] - cell.size() + 3 : 0;
      bool good = cell == "running" || cell == "healthy";
      bool bad = cell == "missing" || cell == "restarting" || cell == "exited" || cell == "dead" || cell == "unhealthy";
      if (n > 0 && (i == 3 || i == 4) && cell != "-")
        cell = good ? log::green(cell, true) : bad ? log::red(cell, true) : log::yellow(cell, true);
      line += cell + std::string(pad, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::cout << line << "\n";
  }
  return kExitOk;
}

}  // namespace

const cli::Command status_command{
    .name = "status",
    .summary = "Show each registry's container state, health and address",
    .usage = "[DOMAIN] [-o table|json]",
    .about = "Show the registries of a Lo domain: one line per registry with its container's state (Docker's\n"
             "word: running, restarting, exited, ...), the verdict of its health check, how often Docker\n"
             "restarted it, and its address.",
    .flags =
        [](cli::Options& o) {
          lifecycle_flags(o);
          cli::output_flag(o, {"table", "json"}, "table (default) or json");
        },
    .run = status,
    .words = cli::Words::Domain,
    .alias = "s",
};

}  // namespace lo::registry
