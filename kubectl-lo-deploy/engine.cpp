// The deploy engine: per target, in order,
//   1. CustomResourceDefinitions, then wait until Established (watch), then
//      re-read discovery for the group-versions they define;
//   2. Namespaces;
//   3. everything else, in parallel (bounded);
//   4. webhook configurations and APIServices (so a webhook whose service
//      is not up yet cannot block the objects of its own target);
//   5. prune: the members of the target's ApplySet it no longer contains
//      (listed while 1-4 run; deleted with --prune, else named in a notice);
//   6. wait until the target's own Deployments, StatefulSets, DaemonSets and
//      Jobs are healthy (watch), --timeout.
// The ApplySet parent is written before the objects (with every kind the set
// had and has, so an interrupted deploy leaks nothing) and again after the
// prune (with what the set holds now). One exception: a new cluster-wide set
// on a cluster without lo's ApplySet CRD writes its parent right after the
// target's CRDs are established (its type is established meanwhile), also
// when they fail; only a deploy killed in that window leaves CRDs labelled
// for a parent that does not exist yet (the next deploy records those
// still in the target).
// Every batch is applied completely and its failures reported together; the
// next phase starts only when a batch had none.
#include <algorithm>
#include <atomic>
#include <future>
#include <iostream>
#include <map>
#include <set>

#include "applyset.hpp"
#include "deploy.hpp"
#include "items.hpp"
#include "lo/duration.hpp"
#include "lo/log.hpp"
#include "lo/parallel.hpp"
#include "lo/yaml_json.hpp"
#include "progress.hpp"
#include "prune.hpp"
#include "wait.hpp"

namespace lo::deploy {
namespace {

using clock = std::chrono::steady_clock;

const char* outcome_word(Outcome o) {
  switch (o) {
    case Outcome::Created: return "created";
    case Outcome::Configured: return "configured";
    case Outcome::Unchanged: return "unchanged";
    case Outcome::Applied: return "applied";
    case Outcome::Unchecked: return "not checked";
    case Outcome::Failed: return "failed";
    default: return "";
  }
}

// An outcome line's fields in --log-format=json.
log::Fields item_fields(const Item& it, const std::string& target) {
  return {{"target", target}, {"object", it.display()}, {"outcome", outcome_word(it.outcome)}};
}

// Comparable form of an object for "would it change?": without the fields
// the server bumps on every write.
nlohmann::json comparable(const Json& obj) {
  nlohmann::json j = nlohmann::json::parse(obj.dump());
  if (j.contains("metadata") && j["metadata"].is_object()) {
    auto& m = j["metadata"];
    m.erase("managedFields");
    m.erase("resourceVersion");
    m.erase("generation");
  }
  return j;
}

struct Totals {
  size_t created = 0, configured = 0, unchanged = 0, applied = 0, unchecked = 0, workloads = 0;
  size_t deleted = 0, prunable = 0;  // pruned (or, in a dry run, to prune); left for --prune
  void add(Outcome o) {
    switch (o) {
      case Outcome::Created: ++created; break;
      case Outcome::Configured: ++configured; break;
      case Outcome::Unchanged: ++unchanged; break;
      case Outcome::Applied: ++applied; break;
      case Outcome::Unchecked: ++unchecked; break;
      default: break;
    }
  }
  size_t objects() const { return created + configured + unchanged + applied + unchecked; }
  std::string text(bool dry) const {
    std::string s = std::to_string(created) + (dry ? " to create, " : " created, ") + std::to_string(configured) +
                    (dry ? " to configure, " : " configured, ") + std::to_string(unchanged) + " unchanged";
    if (applied) s += ", " + std::to_string(applied) + " applied";
    if (unchecked) s += ", " + std::to_string(unchecked) + " not checked";
    if (deleted) s += ", " + std::to_string(deleted) + (dry ? " to delete" : " deleted");
    return s;
  }
};

class Engine {
 public:
  Engine(KubeClient& client, const DeployOptions& o, const ClusterChoice& cluster, Progress& progress)
      : client_(client), o_(o), cluster_(cluster), progress_(progress) {}

  void deploy_target(const TargetPlan& t, Totals& totals, std::vector<Json>& applied);

 private:
  void apply_batch(const std::string& target, const std::string& phase, std::vector<Item*>& batch);
  void apply_one(Item& it, const Json* prior, bool listed, const ApplyOptions& ao);
  void wait_for(const std::string& target, const std::string& what, std::vector<Item*>& batch);
  [[noreturn]] void fail_batch(const std::string& target, const std::string& phase, const std::vector<Item*>& batch);
  // The set's live members, listed while the target is applied (those it
  // applies are not pruned anyway); invalid for a set this deploy creates.
  std::future<std::vector<Member>> list_members_async(const std::string& target, const TargetSet& set);
  void prune(const TargetPlan& t, TargetObjects& target, std::future<std::vector<Member>>& members, Totals& mine);
  bool write_parent(TargetSet& set, const std::set<applyset::GroupKind>& kinds, const std::set<std::string>& namespaces);

  KubeClient& client_;
  const DeployOptions& o_;
  const ClusterChoice& cluster_;
  Progress& progress_;
 public:
  std::string domain;  // whose targets these are (names the ApplySets)
};

void Engine::fail_batch(const std::string& target, const std::string& phase, const std::vector<Item*>& batch) {
  std::vector<Problem> problems;
  for (const Item* it : batch)
    if (it->outcome == Outcome::Failed)
      problems.push_back(Problem{Severity::Error, Location{it->manifest->source}, it->display() + ": " + it->note, it->hint});
  problems.push_back(Problem{Severity::Error, {},
                             "target " + target + ": " + std::to_string(problems.size()) + " of " +
                                 std::to_string(batch.size()) + " " + phase + " could not be applied",
                             "nothing after this phase was applied"});
  throw Error(std::move(problems));
}

void Engine::apply_one(Item& it, const Json* prior, bool listed, const ApplyOptions& ao) {
  ApplyResult r = client_.apply(*it.resource, it.object, ao);
  if (r.created) it.outcome = Outcome::Created;
  else if (!listed) it.outcome = Outcome::Applied;
  else if (!prior) it.outcome = Outcome::Configured;
  else if (o_.dry_run) it.outcome = comparable(*prior) == comparable(r.object) ? Outcome::Unchanged : Outcome::Configured;
  else it.outcome = (*prior)["metadata"].value("resourceVersion", "") == r.object["metadata"].value("resourceVersion", "-")
                        ? Outcome::Unchanged : Outcome::Configured;
  it.result = std::move(r.object);
}

void Engine::apply_batch(const std::string& target, const std::string& phase, std::vector<Item*>& batch) {
  if (batch.empty()) return;
  auto start = clock::now();
  if (!progress_.tty()) progress_.note("[" + target + "] applying " + std::to_string(batch.size()) + " " + phase);

  // What is there now, one LIST per collection: tells created, configured
  // and unchanged apart without a GET per object.
  std::map<std::string, std::vector<Item*>> collections;
  for (Item* it : batch) {
    if (o_.dry_run && it->mapped_by_crd && !client_.find_resource(it->api_version, it->kind)) {
      it->outcome = Outcome::Unchecked;
      it->note = "its CRD is not installed yet, so the server cannot check it";
      continue;
    }
    collections[KubeClient::collection_path(*it->resource, it->ns)].push_back(it);
  }
  std::vector<std::pair<std::string, std::vector<Item*>>> groups(collections.begin(), collections.end());
  std::vector<std::optional<std::map<std::string, Json>>> before(groups.size());
  parallel_for(groups.size(), o_.concurrency, [&](size_t g) {
    ListOptions lo;
    lo.managed_fields = false;  // compared without them anyway (comparable())
    if (groups[g].second.size() == 1) lo.field_selector = "metadata.name=" + groups[g].second[0]->name;
    try {
      std::map<std::string, Json> now;
      for (auto& obj : client_.list(groups[g].first, lo).items) {
        std::string n = obj["metadata"].value("name", "");
        now.emplace(n, std::move(obj));
      }
      before[g] = std::move(now);
    } catch (const Error& e) {
      log::debug(2, std::string("cannot list ") + groups[g].first + " (" + e.what() + "); outcomes will say 'applied'");
    }
  });

  std::vector<std::pair<Item*, const std::optional<std::map<std::string, Json>>*>> work;
  for (size_t g = 0; g < groups.size(); ++g)
    for (Item* it : groups[g].second) work.emplace_back(it, &before[g]);
  std::atomic<size_t> done{0};
  size_t total = work.size();
  ApplyOptions ao;
  ao.force = o_.force_conflicts;
  ao.dry_run = o_.dry_run;
  parallel_for(work.size(), o_.concurrency, [&](size_t i) {
    Item& it = *work[i].first;
    const auto& snapshot = *work[i].second;
    // A namespace this target creates does not exist during a dry run.
    try {
      const Json* prior = nullptr;
      if (snapshot) {
        auto f = snapshot->find(it.name);
        if (f != snapshot->end()) prior = &f->second;
      }
      if (std::string other = other_set(it, prior); !other.empty()) {
        it.outcome = Outcome::Failed;
        it.note = other;
        it.hint = kOtherSetHint;
      } else {
        apply_one(it, prior, snapshot.has_value(), ao);
      }
    } catch (const ApiError& e) {
      it.outcome = Outcome::Failed;
      it.note = e.message();
      it.hint = e.problems().front().hint;
      if (e.status() == 404 && it.resource->namespaced && o_.dry_run)
        it.hint = "during --dry-run=server a namespace this deploy would create does not exist yet";
    } catch (const Error& e) {
      it.outcome = Outcome::Failed;
      it.note = e.what();
    }
    size_t n = ++done;
    progress_.status("[" + target + "] applying " + phase + " " + std::to_string(n) + "/" + std::to_string(total),
                     n == total);
  });
  progress_.clear_status();

  size_t failed = 0;
  const char* suffix = o_.dry_run ? " (server dry run)" : "";
  for (Item* it : batch) {
    if (it->outcome == Outcome::Failed) {
      ++failed;
      progress_.fail(it->display() + ": " + it->note, item_fields(*it, target));
    } else if (it->outcome == Outcome::Unchecked) {
      progress_.result(it->display() + " " + outcome_word(it->outcome) + ": " + it->note, item_fields(*it, target));
    } else if (it->outcome != Outcome::Unchanged || o_.dry_run || o_.verbosity >= 1) {
      progress_.result(it->display() + " " + outcome_word(it->outcome) + suffix, item_fields(*it, target));
    }
  }
  log::debug(1, "[" + target + "] " + phase + " applied in " + format_seconds(clock::now() - start));
  if (failed) fail_batch(target, phase, batch);
}

void Engine::wait_for(const std::string& target, const std::string& what, std::vector<Item*>& batch) {
  if (batch.empty()) return;
  std::vector<WaitItem> waits;
  for (Item* it : batch) waits.push_back(WaitItem{*it->resource, it->ns, it->name, it->display()});
  auto start = clock::now();
  if (!progress_.tty()) {
    std::string names;
    for (size_t i = 0; i < waits.size() && i < 5; ++i) names += (names.empty() ? "" : ", ") + waits[i].display;
    if (waits.size() > 5) names += ", ...";
    progress_.note("[" + target + "] waiting on " + std::to_string(waits.size()) + " " + what + ": " + names);
  }
  WaitResult r = wait_healthy(client_, waits, start + o_.timeout, progress_);
  if (r.all_ready) {
    progress_.note("[" + target + "] " + std::to_string(waits.size()) + " " + what + " ready in " + format_seconds(clock::now() - start));
    return;
  }
  std::vector<Problem> problems;
  size_t failed = 0, pending = 0;
  for (const auto& w : waits) {
    if (w.health.state == Health::Ready) continue;
    bool f = w.health.state == Health::Failed;
    (f ? failed : pending)++;
    problems.push_back(Problem{Severity::Error, {}, w.display + ": " + (f ? "failed: " : "not ready: ") + w.health.message, {}});
  }
  for (const auto& e : r.watch_errors) problems.push_back(Problem{Severity::Error, {}, e, {}});
  std::string head = "target " + target + ": ";
  if (failed) head += std::to_string(failed) + " of " + std::to_string(waits.size()) + " " + what + " failed";
  else if (r.timed_out) head += std::to_string(pending) + " of " + std::to_string(waits.size()) + " " + what +
                                " not ready after " + format_seconds(o_.timeout);
  else head += "waiting for " + what + " stopped";
  problems.push_back(Problem{Severity::Error, {}, head,
                             failed ? "fix the failing objects (kubectl describe shows their events) and deploy again"
                                    : "check them with kubectl describe, or give them longer with --timeout"});
  throw Error(std::move(problems));
}

bool Engine::write_parent(TargetSet& set, const std::set<applyset::GroupKind>& kinds,
                          const std::set<std::string>& namespaces) {
  return set.write(client_, kinds, namespaces, progress_, clock::now() + o_.timeout);
}

std::future<std::vector<Member>> Engine::list_members_async(const std::string& target, const TargetSet& set) {
  // A set created by this deploy has no members but what it applies (its
  // parent is written before them): nothing to list.
  if (!set.existed()) return {};
  // What the live parent said when the set was opened: write() may change
  // the set meanwhile, never its ID or parent.
  return std::async(std::launch::async, [this, target, &set, kinds = set.kinds(), namespaces = set.namespaces()] {
    auto start = clock::now();
    std::vector<Member> members = list_members(client_, set, kinds, namespaces, o_.concurrency);
    log::debug(1, "[" + target + "] " + std::to_string(members.size()) + " members of " + set.parent().display() +
                      " listed in " + format_seconds(clock::now() - start));
    return members;
  });
}

void Engine::prune(const TargetPlan& t, TargetObjects& target, std::future<std::vector<Member>>& members,
                   Totals& mine) {
  TargetSet& set = target.set;
  if (!members.valid()) return;
  std::set<applyset::GroupKind> kinds;
  std::set<std::string> namespaces;
  for (const Item* it : target.all) add_scope(*it, kinds, namespaces);
  PruneSelection sel = select_for_prune(members.get(), target.identities(cluster_.default_namespace), o_.filters, set);
  for (const auto& [m, why] : sel.kept) {
    progress_.note("[" + t.name + "] " + m.display() + " is no longer in the target but is kept: " + why);
    add_scope(m, kinds, namespaces);
  }
  if (o_.prune.value_or(false)) {
    DeleteRun run{o_.dry_run, o_.concurrency, clock::now() + o_.timeout, "pruned: not in target " + t.name};
    mine.deleted += delete_members(client_, sel.candidates, run, progress_);
  } else if (!sel.candidates.empty()) {
    mine.prunable += sel.candidates.size();
    std::vector<std::string> names;
    for (const auto& m : sel.candidates) {
      names.push_back(m.display());
      add_scope(m, kinds, namespaces);
      if (o_.dry_run) progress_.result(m.display() + " is not in the target: --prune would delete it");
    }
    if (!o_.prune.has_value())
      progress_.note("notice: [" + t.name + "] " + std::to_string(names.size()) +
                     (names.size() == 1 ? " object is no longer in the target and stays"
                                        : " objects are no longer in the target and stay") +
                     " in the cluster: " +
                     join(names) + ". --prune deletes them (kubectl lo diff shows them first); pruning becomes the "
                     "default in a later release, --prune=false keeps them without this notice");
  }
  if (!o_.dry_run && (kinds != set.kinds() || namespaces != set.namespaces())) write_parent(set, kinds, namespaces);
}

void Engine::deploy_target(const TargetPlan& t, Totals& totals, std::vector<Json>& applied) {
  auto start = clock::now();
  if (t.objects.empty())
    progress_.note("[" + t.name + "] nothing to deploy" +
                   (t.unfiltered ? " (" + std::to_string(t.unfiltered) + " objects, none matches --filter)" : " (no objects)"));
  // The target's ApplySet: its parent first records every kind and
  // namespace the set had or gets, so nothing applied below goes untracked.
  TargetObjects target = open_target(client_, domain, t, cluster_.default_namespace);
  std::vector<Item>& items = target.items;
  TargetSet& set = target.set;
  std::set<applyset::GroupKind> kinds = set.kinds();
  std::set<std::string> namespaces = set.namespaces();
  for (const Item* it : target.all) add_scope(*it, kinds, namespaces);
  std::vector<Item*> crds, namespace_items, rest, late;
  for (auto& it : items) (is_crd(it) ? crds : is_namespace(it) ? namespace_items : is_late(it) ? late : rest).push_back(&it);
  std::future<std::vector<Member>> members = list_members_async(t.name, set);

  // A new cluster-wide set whose parent type is not installed yet: the type
  // becomes established while the target's own CRDs do, and the parent is
  // written after them (or, should they fail, before the error is reported).
  bool parent_later = !o_.dry_run && !crds.empty() && set.needs_parent_type(client_);
  if (parent_later) set.install_parent_type(client_, progress_);
  bool parent_written = o_.dry_run || items.empty() || parent_later || write_parent(set, kinds, namespaces);
  if (!parent_written) {
    bool created_here = std::any_of(items.begin(), items.end(),
                                    [&](const Item& it) { return is_namespace(it) && it.name == set.parent().ns; });
    if (!created_here)
      throw Error("cannot write the ApplySet parent " + set.parent().display() + " of target " + t.name +
                      ": namespace " + set.parent().ns + " does not exist",
                  "create the namespace, add it to the target, or deploy with -n naming an existing one");
  }

  // Phase 1: CRDs, Established, discovery refreshed.
  try {
    apply_batch(t.name, "CRDs", crds);
    if (!o_.dry_run && !crds.empty()) wait_for(t.name, "CRDs", crds);
  } catch (const Error&) {
    // The CRDs that were applied are members: record them in the parent.
    // The CRDs' error is the one to report, whatever happens here.
    if (parent_later) {
      try {
        write_parent(set, kinds, namespaces);
      } catch (const Error& e) {
        log::debug(1, std::string("the ApplySet parent was not written either: ") + e.what());
      }
    }
    throw;
  }
  if (parent_later) parent_written = write_parent(set, kinds, namespaces);
  if (!o_.dry_run && !crds.empty()) {
    std::set<std::string> versions;
    for (auto& it : items)
      if (it.mapped_by_crd) versions.insert(it.api_version);
    for (const auto& v : versions) client_.refresh_discovery(v);
    for (auto& it : items) {
      if (!it.mapped_by_crd) continue;
      it.resource = client_.require_resource(it.api_version, it.kind);
    }
  }
  // Phase 2: Namespaces, then the rest, then webhooks and APIServices.
  apply_batch(t.name, "namespaces", namespace_items);
  if (!parent_written && !write_parent(set, kinds, namespaces))
    throw Error("cannot write the ApplySet parent " + set.parent().display() + ": its namespace is still missing");
  if (o_.dry_run) {
    // Objects in a namespace this deploy would create cannot be checked.
    std::set<std::string> created;
    for (Item* n : namespace_items)
      if (n->outcome == Outcome::Created) created.insert(n->name);
    for (auto* list : {&rest, &late})
      for (Item* it : *list)
        if (it->resource->namespaced && created.count(it->ns)) {
          it->outcome = Outcome::Unchecked;
          it->note = "its namespace " + it->ns + " does not exist yet, so the server cannot check it";
        }
    auto unchecked = [](Item* it) { return it->outcome == Outcome::Unchecked; };
    for (auto* list : {&rest, &late}) {
      for (Item* it : *list)
        if (unchecked(it))
          progress_.result(it->display() + " " + outcome_word(it->outcome) + ": " + it->note, item_fields(*it, t.name));
      list->erase(std::remove_if(list->begin(), list->end(), unchecked), list->end());
    }
  }
  apply_batch(t.name, "objects", rest);
  apply_batch(t.name, "webhook configurations", late);

  // Phase 3: what the target no longer contains (after the apply, before
  // the wait: nothing new waits on what goes).
  Totals mine;
  for (const auto& it : items) mine.add(it.outcome);
  prune(t, target, members, mine);
  progress_.note("[" + t.name + "] " + std::to_string(mine.objects()) + " objects " +
                 (o_.dry_run ? "checked" : "applied") + " (" + mine.text(o_.dry_run) + ") in " +
                 format_seconds(clock::now() - start));

  // Phase 4: the target's own workloads.
  std::vector<Item*> workloads;
  for (auto& it : items)
    if (!is_crd(it) && has_health_rule(it.group, it.kind)) workloads.push_back(&it);
  if (!o_.dry_run && o_.wait) wait_for(t.name, "workloads", workloads);

  for (auto& it : items) {
    totals.add(it.outcome);
    if (!it.result.is_null()) applied.push_back(std::move(it.result));
  }
  totals.deleted += mine.deleted;
  totals.prunable += mine.prunable;
  totals.workloads += workloads.size();
}

void print_objects(const std::string& format, std::vector<Json>& objects) {
  for (auto& o : objects)
    if (o.contains("metadata") && o["metadata"].is_object()) o["metadata"].erase("managedFields");
  if (format == "json") {
    Json list = {{"apiVersion", "v1"}, {"kind", "List"}, {"metadata", {{"resourceVersion", ""}}}, {"items", objects}};
    std::cout << list.dump(4) << "\n";
  } else {
    for (size_t i = 0; i < objects.size(); ++i) std::cout << (i ? "---\n" : "") << json_to_yaml(objects[i]);
  }
  std::cout.flush();
}

}  // namespace

int run_deploy(const DeployOptions& o) {
  auto start = clock::now();
  Plan plan = make_plan(o);
  ClusterChoice cluster = choose_cluster(plan, o);
  Progress progress(o.output.empty());

  std::string targets;
  for (const auto& t : plan.targets) targets += (targets.empty() ? "" : ", ") + t.name;
  std::string domain = plan.domain.ref.name;
  if (plan.cluster) domain += " (deploy domain of cluster " + plan.cluster->ref.name + ")";
  progress.note(std::string(o.dry_run ? "checking (server dry run) " : "deploying ") + domain + " [" + targets + "] to " +
                cluster.config.cluster.server + ", context \"" + cluster.config.contextName + "\" from " +
                cluster.source + "; default namespace " + cluster.default_namespace);

  ClientOptions copts;
  copts.max_in_flight = o.concurrency;
  KubeClient client(cluster.config, copts);
  client.credentials().get();  // an exec plugin or token file that fails, fails here, once
  Engine engine(client, o, cluster, progress);
  engine.domain = plan.domain.ref.name;
  Totals totals;
  std::vector<Json> applied;
  for (const auto& t : plan.targets) engine.deploy_target(t, totals, applied);

  if (!o.output.empty()) print_objects(o.output, applied);
  auto stats = client.stats();
  std::string summary = std::string(o.dry_run ? "server dry run of " : "deployed ") + plan.domain.ref.name + ": " +
                        std::to_string(plan.targets.size()) + " target" + (plan.targets.size() == 1 ? "" : "s") +
                        ", " + std::to_string(totals.objects()) + " objects (" + totals.text(o.dry_run) + ")";
  if (!o.dry_run && o.wait && totals.workloads) summary += ", " + std::to_string(totals.workloads) + " workloads ready";
  summary += ", " + std::to_string(stats.requests) + " API requests in " + format_seconds(clock::now() - start);
  if (totals.prunable)
    summary += ", " + std::to_string(totals.prunable) + " no longer in the targets (see --prune)";
  if (o.dry_run) summary += "; nothing was changed";
  progress.note(summary);
  return 0;
}

TargetOutcome deploy_objects(KubeClient& client, const DeployOptions& o, const ClusterChoice& cluster,
                             Progress& progress, const TargetPlan& target) {
  Engine engine(client, o, cluster, progress);
  Totals totals;
  std::vector<Json> applied;
  engine.deploy_target(target, totals, applied);
  return TargetOutcome{totals.objects(), totals.created, totals.configured, totals.unchanged, totals.workloads};
}

}  // namespace lo::deploy
