// kubectl lo deploy --delete TARGET...: every member of each target's
// ApplySet, in reverse dependency order (prune.hpp), then the parent. The
// artifacts are not needed: the set in the cluster says what it holds. A
// target without a set is a note, not an error, so that deleting twice (a
// Tilt delete_cmd) succeeds.
#include "applyset.hpp"
#include "deploy.hpp"
#include "lo/duration.hpp"
#include "lo/log.hpp"
#include "progress.hpp"
#include "prune.hpp"

namespace lo::deploy {

int run_delete(const DeployOptions& o) {
  using clock = std::chrono::steady_clock;
  auto start = clock::now();
  Plan plan = make_plan(o);
  ClusterChoice cluster = choose_cluster(plan, o);
  Progress progress(true);
  std::vector<std::string> names;
  for (const auto& t : plan.targets) names.push_back(t.name);
  const std::string& domain = plan.domain.ref.name;
  progress.note(std::string(o.dry_run ? "checking the deletion (server dry run) of " : "deleting ") + domain + " [" +
                join(names) + "] from " + cluster.config.cluster.server + ", context \"" + cluster.config.contextName +
                "\" from " + cluster.source);

  ClientOptions copts;
  copts.max_in_flight = o.concurrency;
  KubeClient client(cluster.config, copts);
  client.credentials().get();
  size_t deleted = 0, parents = 0, kept = 0;
  for (const auto& t : plan.targets) {
    TargetSet set = TargetSet::open(client, domain, t.name, cluster.default_namespace, nullptr);
    if (!set.exists()) {
      progress.note("[" + t.name + "] has no ApplySet in the cluster (neither Secret " + cluster.default_namespace + "/" +
                    set.parent().name + " nor ApplySet " + set.parent().name + "): nothing to delete");
      continue;
    }
    PruneSelection sel = select_all(list_members(client, set, set.kinds(), set.namespaces(), o.concurrency), set);
    for (const auto& [m, why] : sel.kept) progress.note("[" + t.name + "] " + m.display() + " is kept: " + why);
    kept += sel.kept.size();
    // The parent goes once its members are gone, but before the Namespace
    // that holds it, should that be a member.
    std::vector<Member> holder;
    auto is_holder = [&](const Member& m) {
      return !set.parent().ns.empty() && m.resource.group.empty() && m.resource.kind == "Namespace" &&
             m.name == set.parent().ns;
    };
    for (auto it = sel.candidates.begin(); it != sel.candidates.end();) {
      if (is_holder(*it)) {
        holder.push_back(std::move(*it));
        it = sel.candidates.erase(it);
      } else {
        ++it;
      }
    }
    DeleteRun run{o.dry_run, o.concurrency, clock::now() + o.timeout, ""};
    deleted += delete_members(client, std::move(sel.candidates), run, progress);
    if (set.remove(client, o.dry_run)) {
      ++parents;
      progress.result(set.parent().display() + (o.dry_run ? " would be deleted (server dry run)" : " deleted") +
                      " (the ApplySet parent of target " + t.name + ")");
    }
    deleted += delete_members(client, std::move(holder), run, progress);
  }
  auto stats = client.stats();
  progress.note(std::string(o.dry_run ? "server dry run of deleting " : "deleted ") + domain + " [" + join(names) +
                "]: " + std::to_string(deleted) + " objects and " + std::to_string(parents) + " ApplySet parent" +
                (parents == 1 ? "" : "s") + (kept ? ", " + std::to_string(kept) + " kept" : "") + ", " +
                std::to_string(stats.requests) + " API requests in " + format_seconds(clock::now() - start) + (o.dry_run ? "; nothing was changed" : ""));
  return 0;
}

}  // namespace lo::deploy
