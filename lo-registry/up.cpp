// lo-registry up [DOMAIN] [--dry-run]: every registry of the plan running,
// in this order, each step idempotent:
//   1. the project network and (shared mode) the shared registry network;
//   2. the development CA, the registry certificate (TLS mode) and the
//      wildcard application certificate;
//   3. the config file of every registry (written only when it changed);
//   4. per registry: its volume, then its container — left alone when it
//      runs with the same configuration (lok8s.dev/config label), restarted
//      when Docker is restarting it with that configuration, else
//      (re)created. Containers of this domain the spec no longer has go;
//   5. wait until every registry answers its Docker health check (health.cpp);
//      one that does not fails `up` (exit 1) with its state and log.
// A second `up` with nothing changed and every registry answering runs no
// docker command that changes anything. Upstream left a running container alone whatever its config
// (a mode change needed `registry down` first); here a changed config,
// address, CA or certificate recreates it.
#include <algorithm>
#include <iostream>

#include "lo/fs.hpp"
#include "registry.hpp"

namespace lo::registry {
namespace fs = std::filesystem;

namespace {

// A registry starts in well under a second; the first health check runs
// one interval (5s) after the start.
constexpr std::chrono::seconds kAnswerTimeout{60};

bool same_file(const fs::path& p, const std::string& content) {
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) return false;
  try {
    return read_file(p, 1 << 20) == content;
  } catch (const Error&) {
    return false;
  }
}

int up(const cli::Args& a) {
  auto inv = invocation(a, false);
  const Target& t = inv.target;
  Runner runner(inv.opt.dry_run);
  docker::Docker d(runner);

  // 1. networks
  d.ensure_network(docker::project_network(t.eff, t.domain));
  bool any_shared = false;
  for (const auto& r : t.eff.registries) any_shared = any_shared || r.shared;
  if (any_shared) d.ensure_network(docker::shared_network(t.eff));

  // 2. certificates (before any container: they mount the registry one)
  TlsResult tls = ensure_tls(runner, t);

  // 3. config files
  std::error_code ec;
  if (!fs::exists(t.config_dir() / ".gitignore", ec))
    runner.write_file("keep " + t.show(t.config_dir()) + " out of git", t.config_dir() / ".gitignore",
                      "# written by lo: generated registry configs\n*\n!.gitignore\n");
  std::map<std::string, std::string> configs;
  for (const auto& r : t.eff.registries) {
    std::string content = render_config(r, t.tls);
    if (!same_file(t.config_file(r), content)) runner.write_file("config of registry " + r.name, t.config_file(r), content);
    configs[r.name] = std::move(content);
  }

  // 4. volumes and containers
  bool remote = docker::remote_daemon();
  if (remote) runner.note("DOCKER_HOST is a remote daemon: configs and certificates are copied into the containers");
  auto have = registry_containers(d);
  auto vols = volume_names(d);
  auto has_volume = [&](const std::string& v) { return std::find(vols.begin(), vols.end(), v) != vols.end(); };
  std::map<std::string, int> restarts;  // of the containers left alone, to tell a new restart
  for (const auto& name : orphans(t, have))
    runner.change("remove registry container " + name + " (no longer in the spec of " + t.domain + ")",
                  {"docker", "rm", "--force", name});
  for (const auto& r : t.eff.registries) {
    std::string hash = config_hash(t, r, configs[r.name], tls.ca_fingerprint, remote);
    auto it = have.find(r.container);
    std::string reason;
    // A container Docker keeps restarting (restart=always) with the right
    // configuration is not recreated: that would change nothing. It is
    // restarted at once instead of after Docker's growing back-off (its
    // upstream may be back), and the wait below tells whether it answers.
    bool alive = it != have.end() && (it->second.running() || it->second.state == "restarting");
    if (it == have.end()) reason = "";
    else if (!alive) reason = it->second.state == "created" ? "it never started" : "it is " + (it->second.state.empty() ? std::string("not running") : it->second.state);
    else if (it->second.labels.count(kLabelConfig) == 0) reason = "it was not started by lo";
    else if (it->second.labels.at(kLabelConfig) != hash) reason = "its configuration changed";
    else if (tls.registry_cert_minted) reason = "the registry certificate was re-minted";
    else if (it->second.state == "restarting" || (it->second.restarts > 0 && it->second.health != "healthy")) {
      // Restarting now, or up again after restarts and not answering yet:
      // Docker's crash loop either way.
      runner.change("restart registry " + r.name + " (" + r.container + "): Docker keeps restarting it (" +
                        std::to_string(it->second.restarts) + " restarts); configuration up to date",
                    {"docker", "restart", r.container});
      restarts[r.container] = 0;  // a restart by hand starts the count again
      continue;
    } else {
      runner.note("registry " + r.name + " (" + r.container + "): running, up to date");
      restarts[r.container] = it->second.restarts;
      continue;
    }
    if (!has_volume(r.container))
      runner.change("create volume " + r.container,
                    {"docker", "volume", "create", "--label", std::string(kLabelRegistry) + "=" + r.name, r.container});
    if (it != have.end())
      runner.change("remove container " + r.container + " (" + reason + ")", {"docker", "rm", "--force", r.container});
    std::string what = "start registry " + r.name + " at " + (t.tls ? "https://" : "http://") + r.ip.str() + " (" + r.container + ")";
    if (!remote) {
      runner.change(what, run_argv(t, r, hash, false));
      continue;
    }
    runner.change("create container " + r.container, run_argv(t, r, hash, true));
    runner.change("copy the config into " + r.container,
                  {"docker", "cp", t.config_file(r).string(), r.container + ":" + kConfigInContainer});
    if (t.tls)
      runner.change("copy the registry certificate into " + r.container,
                    {"docker", "cp", (t.cert_dir() / ".").string(), r.container + ":" + kCertsInContainer});
    runner.change(what, {"docker", "start", r.container});
  }
  // 5. every registry answers (or `up` fails naming the ones that do not)
  wait_until_answering(runner, d, t.eff.registries, restarts, kAnswerTimeout);
  if (!runner.dry_run())
    runner.note("registries of " + t.domain + " are up and answering (" + std::to_string(t.eff.registries.size()) +
                "); `lo-registry status` shows them");
  return kExitOk;
}

}  // namespace

const cli::Command up_command{
    .name = "up",
    .summary = "Start the networks, certificates and registry containers (idempotent)",
    .usage = "[DOMAIN] [--dry-run]",
    .about = "Start the registries of a Lo domain: build, cache and the pull-through mirrors, on their docker\n"
             "networks, with TLS from the development CA unless spec.registries.tls is false.",
    .flags = lifecycle_flags,
    .run = up,
    .words = cli::Words::Domain,
    .alias = "u",
};

}  // namespace lo::registry
