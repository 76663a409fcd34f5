// lo-registry down|clean [DOMAIN] [--shared] [--dry-run]
//
//   down           removes this domain's registry containers (build, cache,
//                  non-shared mirrors); data volumes, networks, configs and
//                  certificates stay, so the next `up` finds the images again.
//   down --shared  also removes the shared pull-through mirrors' containers.
//   clean          like down, and removes the data volumes of those registries.
//   clean --shared also the shared mirrors, their volumes, and the shared
//                  network when no container (a kind node of another
//                  project, say) is still attached to it.
// Without --shared the shared mirrors are never touched: other projects use
// them. Upstream's `registry down` removed them regardless (Q16).
// Containers labelled for this domain that its spec no longer lists go too.
// The project network is never removed here: the kind cluster sits on it.
#include <algorithm>
#include <iostream>

#include "registry.hpp"

namespace lo::registry {

namespace {

int teardown(const cli::Args& a, bool volumes) {
  auto inv = invocation(a, false);
  const Target& t = inv.target;
  bool shared = inv.opt.shared;
  Runner runner(inv.opt.dry_run);
  docker::Docker d(runner);

  auto have = registry_containers(d);
  auto vols = volume_names(d);
  std::vector<std::string> removed;
  std::vector<std::string> names;
  for (const auto& r : selected(t, shared)) names.push_back(r.container);
  for (const auto& o : orphans(t, have)) names.push_back(o);
  for (const auto& c : names) {
    if (have.count(c)) {
      runner.change("remove registry container " + c, {"docker", "rm", "--force", c});
      removed.push_back(c);
    } else {
      runner.note("registry container " + c + ": not there");
    }
    if (volumes && std::find(vols.begin(), vols.end(), c) != vols.end())
      runner.change("remove volume " + c, {"docker", "volume", "rm", c});
  }

  std::vector<std::string> kept;
  for (const auto& r : t.eff.registries)
    if (r.shared && !shared && have.count(r.container)) kept.push_back(r.container);
  if (!kept.empty()) {
    runner.note("shared mirrors kept (other projects use them): " + join(kept) +
                "; `lo-registry down --shared` stops them, `lo-registry clean --shared` removes them with their data");
  }
  if (!volumes && !removed.empty()) runner.note("data volumes kept; `lo-registry clean` removes them");

  if (volumes && shared) {
    auto plan = docker::shared_network(t.eff);
    if (auto st = d.network(plan.name)) {
      std::vector<std::string> attached;
      for (const auto& c : st->containers)
        if (std::find(removed.begin(), removed.end(), c) == removed.end()) attached.push_back(c);
      if (attached.empty()) {
        runner.change("remove shared registry network " + plan.name, {"docker", "network", "rm", plan.name});
      } else {
        runner.note("shared registry network " + plan.name + " kept: still attached: " + join(attached));
      }
    }
  }
  return kExitOk;
}

}  // namespace

const cli::Command down_command{
    .name = "down",
    .summary = "Remove the registry containers, keep their data (--shared: also the shared mirrors)",
    .usage = "[DOMAIN] [--shared] [--dry-run]",
    .about = "Stop the registries of a Lo domain (their containers); data volumes are kept.\n"
             "Shared pull-through mirrors are kept unless --shared is given.",
    .flags = lifecycle_flags,
    .run = [](const cli::Args& a) { return teardown(a, false); },
    .words = cli::Words::Domain,
    .alias = "d",
};

const cli::Command clean_command{
    .name = "clean",
    .summary = "Remove the registry containers and their data (--shared: also shared mirrors and network)",
    .usage = "[DOMAIN] [--shared] [--dry-run]",
    .about = "Remove the registries of a Lo domain with their data volumes. With --shared, also the shared\n"
             "pull-through mirrors, their volumes and the shared registry network (when nothing else is attached).",
    .flags = lifecycle_flags,
    .run = [](const cli::Args& a) { return teardown(a, true); },
    .words = cli::Words::Domain,
    .alias = "c",
};

}  // namespace lo::registry
