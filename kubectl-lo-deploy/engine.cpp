// The deploy engine: per target, in order,
//   1. CustomResourceDefinitions, then wait until Established (watch), then
//      re-read discovery for the group-versions they define;
//   2. Namespaces;
//   3. everything else, in parallel (bounded);
//   4. webhook configurations and APIServices (so a webhook whose service
//      is not up yet cannot block the objects of its own target);
//   5. wait until the target's own Deployments, StatefulSets, DaemonSets and
//      Jobs are healthy (watch), --timeout.
// Every batch is applied completely and its failures reported together; the
// next phase starts only when a batch had none.
#include <algorithm>
#include <atomic>
#include <iostream>
#include <map>
#include <set>
#include <thread>

#include "deploy.hpp"
#include "lo/log.hpp"
#include "lo/yaml_json.hpp"
#include "progress.hpp"
#include "wait.hpp"

namespace lo::deploy {
namespace {

using clock = std::chrono::steady_clock;

enum class Outcome { None, Created, Configured, Unchanged, Applied, Unchecked, Failed };

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

struct Item {
  const Manifest* manifest = nullptr;
  Json object;
  std::string api_version, kind, group, ns, name;
  std::optional<ResourceInfo> resource;
  bool mapped_by_crd = false;  // its kind comes from a CRD of this target
  Outcome outcome = Outcome::None;
  std::string note, hint;
  Json result;

  std::string display() const {
    return kind + "/" + (ns.empty() ? "" : ns + "/") + name;
  }
  // Its outcome line's fields in --log-format=json.
  log::Fields fields(const std::string& target) const {
    return {{"target", target}, {"object", display()}, {"outcome", outcome_word(outcome)}};
  }
};

std::string seconds(clock::duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fs", std::chrono::duration<double>(d).count());
  return buf;
}

template <typename F>
void parallel_for(size_t n, size_t workers, F fn) {
  std::atomic<size_t> next{0};
  auto run = [&] {
    for (size_t i; (i = next++) < n;) fn(i);
  };
  size_t count = std::min(n, std::max<size_t>(1, workers));
  std::vector<std::thread> threads;
  for (size_t i = 1; i < count; ++i) threads.emplace_back(run);
  run();
  for (auto& t : threads) t.join();
}

bool is_crd(const Item& it) { return it.group == "apiextensions.k8s.io" && it.kind == "CustomResourceDefinition"; }
bool is_namespace(const Item& it) { return it.group.empty() && it.kind == "Namespace"; }
bool is_late(const Item& it) {
  return (it.group == "admissionregistration.k8s.io" &&
          (it.kind == "MutatingWebhookConfiguration" || it.kind == "ValidatingWebhookConfiguration")) ||
         (it.group == "apiregistration.k8s.io" && it.kind == "APIService");
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
    return s;
  }
};

class Engine {
 public:
  Engine(KubeClient& client, const DeployOptions& o, const ClusterChoice& cluster, Progress& progress)
      : client_(client), o_(o), cluster_(cluster), progress_(progress) {}

  void deploy_target(const TargetPlan& t, Totals& totals, std::vector<Json>& applied);

 private:
  std::vector<Item> prepare(const TargetPlan& t);
  void map_resources(std::vector<Item>& items, const TargetPlan& t);
  void apply_batch(const std::string& target, const std::string& phase, std::vector<Item*>& batch);
  void wait_for(const std::string& target, const std::string& what, std::vector<Item*>& batch);
  [[noreturn]] void fail_batch(const std::string& target, const std::string& phase, const std::vector<Item*>& batch);

  KubeClient& client_;
  const DeployOptions& o_;
  const ClusterChoice& cluster_;
  Progress& progress_;
};

std::vector<Item> Engine::prepare(const TargetPlan& t) {
  std::vector<Item> items;
  items.reserve(t.objects.size());
  for (const auto& m : t.objects) {
    Item it;
    it.manifest = &m;
    it.object = m.object;
    it.api_version = m.object.value("apiVersion", "");
    it.kind = m.object.value("kind", "");
    auto slash = it.api_version.find('/');
    it.group = slash == std::string::npos ? "" : it.api_version.substr(0, slash);
    it.name = m.object["metadata"].value("name", "");
    it.ns = m.object["metadata"].value("namespace", "");
    items.push_back(std::move(it));
  }
  return items;
}

// Kind -> resource for every object, before anything is applied. Kinds the
// server does not serve yet may come from a CRD of the same target.
void Engine::map_resources(std::vector<Item>& items, const TargetPlan& t) {
  Diagnostics problems;
  std::vector<std::string> versions;
  for (size_t i = 0; i < items.size(); ++i) {
    try {
      check_api_version(items[i].api_version);
      versions.push_back(items[i].api_version);
    } catch (const Error& e) {
      problems.error(Location{items[i].manifest->source, "apiVersion"}, e.what(), e.problems().front().hint);
    }
  }
  problems.throw_if_errors();
  client_.prefetch_discovery(versions);
  for (auto& it : items) {
    it.resource = client_.find_resource(it.api_version, it.kind);
    if (it.resource) continue;
    for (const auto& crd : items) {
      if (!is_crd(crd)) continue;
      const Json& spec = crd.object.contains("spec") ? crd.object["spec"] : Json();
      if (!spec.is_object() || spec.value("group", "") != it.group) continue;
      const Json& names = spec.contains("names") ? spec["names"] : Json();
      if (!names.is_object() || names.value("kind", "") != it.kind) continue;
      std::string version = it.api_version.substr(it.api_version.find('/') + 1);
      bool has_version = false;
      if (spec.contains("versions") && spec["versions"].is_array())
        for (const auto& v : spec["versions"]) has_version |= v.is_object() && v.value("name", "") == version;
      if (!has_version) continue;
      ResourceInfo ri;
      ri.group = it.group;
      ri.version = version;
      ri.kind = it.kind;
      ri.resource = names.value("plural", "");
      ri.namespaced = spec.value("scope", "Namespaced") == "Namespaced";
      it.resource = ri;
      it.mapped_by_crd = true;
    }
    if (!it.resource) {
      try {
        client_.require_resource(it.api_version, it.kind);  // throws with the explanation
      } catch (const ApiError&) {
        throw;
      } catch (const Error& e) {
        problems.error(Location{it.manifest->source, "kind"}, e.what(), e.problems().front().hint);
      }
    }
  }
  problems.throw_if_errors();

  // Namespaces: objects that name none get the default one; cluster-scoped
  // objects carry none.
  std::map<std::string, const Item*> seen;
  for (auto& it : items) {
    if (it.resource->namespaced) {
      if (it.ns.empty()) {
        it.ns = cluster_.default_namespace;
        it.object["metadata"]["namespace"] = it.ns;
      }
    } else if (!it.ns.empty()) {
      it.ns.clear();
      it.object["metadata"].erase("namespace");
    }
    std::string key = it.group + "/" + it.kind + "/" + it.ns + "/" + it.name;
    auto [pos, inserted] = seen.emplace(key, &it);
    if (!inserted)
      problems.error(Location{it.manifest->source}, it.display() + " appears twice in target " + t.name,
                     "the other one is " + pos->second->manifest->source + "; keep one");
  }
  problems.throw_if_errors();
}

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
      ApplyResult r = client_.apply(*it.resource, it.object, ao);
      const Json* prior = nullptr;
      if (snapshot) {
        auto f = snapshot->find(it.name);
        if (f != snapshot->end()) prior = &f->second;
      }
      if (r.created) it.outcome = Outcome::Created;
      else if (!snapshot) it.outcome = Outcome::Applied;
      else if (!prior) it.outcome = Outcome::Configured;
      else if (o_.dry_run) it.outcome = comparable(*prior) == comparable(r.object) ? Outcome::Unchanged : Outcome::Configured;
      else it.outcome = (*prior)["metadata"].value("resourceVersion", "") == r.object["metadata"].value("resourceVersion", "-")
                            ? Outcome::Unchanged : Outcome::Configured;
      it.result = std::move(r.object);
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
      progress_.fail(it->display() + ": " + it->note, it->fields(target));
    } else if (it->outcome == Outcome::Unchecked) {
      progress_.result(it->display() + " " + outcome_word(it->outcome) + ": " + it->note, it->fields(target));
    } else if (it->outcome != Outcome::Unchanged || o_.dry_run || o_.verbosity >= 1) {
      progress_.result(it->display() + " " + outcome_word(it->outcome) + suffix, it->fields(target));
    }
  }
  log::debug(1, "[" + target + "] " + phase + " applied in " + seconds(clock::now() - start));
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
    progress_.note("[" + target + "] " + std::to_string(waits.size()) + " " + what + " ready in " + seconds(clock::now() - start));
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
                                " not ready after " + seconds(o_.timeout);
  else head += "waiting for " + what + " stopped";
  problems.push_back(Problem{Severity::Error, {}, head,
                             failed ? "fix the failing objects (kubectl describe shows their events) and deploy again"
                                    : "check them with kubectl describe, or give them longer with --timeout"});
  throw Error(std::move(problems));
}

void Engine::deploy_target(const TargetPlan& t, Totals& totals, std::vector<Json>& applied) {
  auto start = clock::now();
  if (t.objects.empty()) {
    progress_.note("[" + t.name + "] nothing to deploy" +
                   (t.unfiltered ? " (" + std::to_string(t.unfiltered) + " objects, none matches --filter)" : " (no objects)"));
    return;
  }
  std::vector<Item> items = prepare(t);
  map_resources(items, t);

  std::vector<Item*> crds, namespaces, rest, late;
  for (auto& it : items) (is_crd(it) ? crds : is_namespace(it) ? namespaces : is_late(it) ? late : rest).push_back(&it);

  // Phase 1: CRDs, Established, discovery refreshed.
  apply_batch(t.name, "CRDs", crds);
  if (!o_.dry_run && !crds.empty()) {
    wait_for(t.name, "CRDs", crds);
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
  apply_batch(t.name, "namespaces", namespaces);
  if (o_.dry_run) {
    // Objects in a namespace this deploy would create cannot be checked.
    std::set<std::string> created;
    for (Item* n : namespaces)
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
          progress_.result(it->display() + " " + outcome_word(it->outcome) + ": " + it->note, it->fields(t.name));
      list->erase(std::remove_if(list->begin(), list->end(), unchecked), list->end());
    }
  }
  apply_batch(t.name, "objects", rest);
  apply_batch(t.name, "webhook configurations", late);

  Totals mine;
  for (const auto& it : items) mine.add(it.outcome);
  progress_.note("[" + t.name + "] " + std::to_string(mine.objects()) + " objects " +
                 (o_.dry_run ? "checked" : "applied") + " (" + mine.text(o_.dry_run) + ") in " +
                 seconds(clock::now() - start));

  // Phase 3: the target's own workloads.
  std::vector<Item*> workloads;
  for (auto& it : items)
    if (!is_crd(it) && has_health_rule(it.group, it.kind)) workloads.push_back(&it);
  if (!o_.dry_run && o_.wait) wait_for(t.name, "workloads", workloads);

  for (auto& it : items) {
    totals.add(it.outcome);
    if (!it.result.is_null()) applied.push_back(std::move(it.result));
  }
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
  Totals totals;
  std::vector<Json> applied;
  for (const auto& t : plan.targets) engine.deploy_target(t, totals, applied);

  if (!o.output.empty()) print_objects(o.output, applied);
  auto stats = client.stats();
  std::string summary = std::string(o.dry_run ? "server dry run of " : "deployed ") + plan.domain.ref.name + ": " +
                        std::to_string(plan.targets.size()) + " target" + (plan.targets.size() == 1 ? "" : "s") +
                        ", " + std::to_string(totals.objects()) + " objects (" + totals.text(o.dry_run) + ")";
  if (!o.dry_run && o.wait && totals.workloads) summary += ", " + std::to_string(totals.workloads) + " workloads ready";
  summary += ", " + std::to_string(stats.requests) + " API requests in " + seconds(clock::now() - start);
  if (o.dry_run) summary += "; nothing was changed";
  progress.note(summary);
  return 0;
}

}  // namespace lo::deploy
