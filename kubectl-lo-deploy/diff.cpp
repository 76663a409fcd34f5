// kubectl lo diff [DOMAIN] [TARGET...]: what `kubectl lo deploy --prune`
// would change, nothing persisted.
//
// Each object (with the ApplySet label a deploy adds) is applied with
// server-side apply, dryRun=All, field manager "lo", and the answer compared
// with the live object (lo/object_diff.hpp: managedFields, resourceVersion,
// generation, uid, timestamps and status left out, Secret values masked).
// Objects the server cannot check yet (their CRD or namespace comes with
// this deploy) are shown as the manifest. Members of the target's ApplySet
// the target no longer contains are shown as deletions.
//
// stdout: one unified diff per object that would change ("diff -u -N
// live/<name> merged/<name>" then the diff), or with -o json one document.
// stderr: the lists (to create, to change, to delete, kept) and a summary.
// Exit 0: nothing would change; 1: something would; 2: an error.
#include <iostream>

#include "applyset.hpp"
#include "deploy.hpp"
#include "items.hpp"
#include "lo/log.hpp"
#include "lo/object_diff.hpp"
#include "lo/parallel.hpp"
#include "progress.hpp"
#include "prune.hpp"

namespace lo::deploy {
namespace {

struct Entry {
  std::string target;
  std::string action;  // create, change, delete, unchanged, keep, error
  std::string api_version, kind, ns, name;
  std::string reason;  // why deleted, kept, unchecked; the error
  std::string hint;
  bool checked = true;  // the server saw it (dry run)
  std::string diff;

  std::string display() const { return kind + "/" + (ns.empty() ? "" : ns + "/") + name; }
  Json to_json() const {
    Json j = {{"target", target}, {"action", action}, {"apiVersion", api_version}, {"kind", kind}};
    if (!ns.empty()) j["namespace"] = ns;
    j["name"] = name;
    if (!checked) j["checked"] = false;
    if (!reason.empty()) j["reason"] = reason;
    if (!diff.empty()) j["diff"] = diff;
    return j;
  }
};

void identify(Entry& e, const std::string& api_version, const std::string& kind, const std::string& ns,
              const std::string& name) {
  e.api_version = api_version;
  e.kind = kind;
  e.ns = ns;
  e.name = name;
}

// The dry run of one object against its live state.
void check(KubeClient& client, const DeployOptions& o, const Item& it, const std::vector<Item>& items, Entry& e) {
  identify(e, it.api_version, it.kind, it.ns, it.name);
  auto as_new = [&](const std::string& why) {
    e.action = "create";
    e.checked = false;
    e.reason = why;
    e.diff = object_diff(Json(), it.object);
  };
  if (!it.resource || (it.mapped_by_crd && !client.find_resource(it.api_version, it.kind)))
    return as_new("its CRD comes with this deploy, so the server cannot check it yet");
  try {
    std::optional<Json> live = client.get_object(*it.resource, it.ns, it.name);
    if (std::string other = other_set(it, live ? &*live : nullptr); !other.empty()) {
      e.action = "error";
      e.reason = other;
      e.hint = kOtherSetHint;
      return;
    }
    ApplyResult r = client.apply(*it.resource, it.object, ApplyOptions{"lo", o.force_conflicts, true});
    Json before = live ? *live : Json();
    e.diff = object_diff(before, r.object);
    e.action = !live ? "create" : e.diff.empty() ? "unchanged" : "change";
  } catch (const ApiError& err) {
    bool namespace_missing = err.status() == 404 && err.details().is_object() &&
                             err.details().value("kind", "") == "namespaces";
    bool comes_with_deploy = std::any_of(items.begin(), items.end(),
                                         [&](const Item& n) { return is_namespace(n) && n.name == it.ns; });
    if (namespace_missing && comes_with_deploy)
      return as_new("its namespace " + it.ns + " comes with this deploy, so the server cannot check it yet");
    e.action = "error";
    e.reason = err.message();
    e.hint = err.problems().empty() ? "" : err.problems().front().hint;
  }
}

struct Counts {
  size_t create = 0, change = 0, remove = 0, unchanged = 0, kept = 0, errors = 0;
  void add(const Entry& e) {
    if (e.action == "create") ++create;
    else if (e.action == "change") ++change;
    else if (e.action == "delete") ++remove;
    else if (e.action == "unchanged") ++unchanged;
    else if (e.action == "keep") ++kept;
    else ++errors;
  }
  bool changes() const { return create + change + remove > 0; }
  std::string text() const {
    std::string s = std::to_string(create) + " to create, " + std::to_string(change) + " to change, " +
                    std::to_string(remove) + " to delete" + (remove ? " (with --prune)" : "") + ", " +
                    std::to_string(unchanged) + " unchanged";
    if (kept) s += ", " + std::to_string(kept) + " kept";
    if (errors) s += ", " + std::to_string(errors) + " not diffed (errors)";
    return s;
  }
};

std::vector<Entry> diff_target(KubeClient& client, const DeployOptions& o, const ClusterChoice& cluster,
                               const std::string& domain, const TargetPlan& t) {
  TargetObjects target = open_target(client, domain, t, cluster.default_namespace);
  const std::vector<Item>& items = target.items;
  const TargetSet& set = target.set;

  std::vector<Entry> entries(items.size());
  parallel_for(items.size(), o.concurrency, [&](size_t i) {
    entries[i].target = t.name;
    check(client, o, items[i], items, entries[i]);
  });
  if (!set.exists()) return entries;

  std::set<std::string> contained = target.identities(cluster.default_namespace);
  PruneSelection sel =
      select_for_prune(list_members(client, set, set.kinds(), set.namespaces(), o.concurrency), contained, o.filters, set);
  std::stable_sort(sel.candidates.begin(), sel.candidates.end(), [](const Member& a, const Member& b) {
    return a.wave != b.wave ? a.wave < b.wave : a.display() < b.display();
  });
  for (const auto& m : sel.candidates) {
    Entry e;
    e.target = t.name;
    identify(e, m.resource.api_version(), m.resource.kind, m.ns, m.name);
    e.action = "delete";
    e.reason = "no longer in target " + t.name;
    e.diff = object_diff(m.object, Json());
    entries.push_back(std::move(e));
  }
  for (const auto& [m, why] : sel.kept) {
    Entry e;
    e.target = t.name;
    identify(e, m.resource.api_version(), m.resource.kind, m.ns, m.name);
    e.action = "keep";
    e.reason = why;
    entries.push_back(std::move(e));
  }
  return entries;
}

void print_lists(const std::vector<Entry>& entries, const std::vector<std::string>& targets) {
  for (const auto& target : targets) {
    std::vector<std::string> create, change, remove, kept;
    for (const auto& e : entries) {
      if (e.target != target) continue;
      std::string note = e.checked ? "" : " (not checked: " + e.reason + ")";
      if (e.action == "create") create.push_back(e.display() + note);
      else if (e.action == "change") change.push_back(e.display());
      else if (e.action == "delete") remove.push_back(e.display());
      else if (e.action == "keep") kept.push_back(e.display() + " (" + e.reason + ")");
    }
    auto line = [&](const std::string& what, const std::vector<std::string>& list) {
      if (!list.empty()) std::cerr << "[" << target << "] " << what << ": " << join(list) << "\n";
    };
    line("to create", create);
    line("to change", change);
    line("to delete (no longer in the target; deploy --prune deletes them)", remove);
    line("kept although no longer in the target", kept);
  }
}

}  // namespace

int run_diff(const DeployOptions& o) {
  Plan plan = make_plan(o);
  ClusterChoice cluster = choose_cluster(plan, o);
  std::vector<std::string> targets;
  for (const auto& t : plan.targets) targets.push_back(t.name);
  const std::string& domain = plan.domain.ref.name;
  log::debug(1, "diff of " + domain + " [" + join(targets) + "] against " + cluster.config.cluster.server +
                    ", context \"" + cluster.config.contextName + "\" from " + cluster.source);

  ClientOptions copts;
  copts.max_in_flight = o.concurrency;
  KubeClient client(cluster.config, copts);
  client.credentials().get();
  std::vector<Entry> entries;
  for (const auto& t : plan.targets)
    for (auto& e : diff_target(client, o, cluster, domain, t)) entries.push_back(std::move(e));

  Counts counts;
  for (const auto& e : entries) counts.add(e);
  std::string summary = "diff of " + domain + " [" + join(targets) + "]: " + counts.text();
  if (o.output == "json") {
    Json objects = Json::array();
    for (const auto& e : entries) objects.push_back(e.to_json());
    Json doc = {{"domain", domain},
                {"targets", targets},
                {"summary",
                 {{"create", counts.create}, {"change", counts.change}, {"delete", counts.remove},
                  {"unchanged", counts.unchanged}, {"kept", counts.kept}, {"errors", counts.errors}}},
                {"objects", objects}};
    std::cout << doc.dump(2) << "\n";
  } else {
    for (const auto& e : entries) {
      if (e.diff.empty()) continue;
      std::string name = diff_name(Json{{"apiVersion", e.api_version}, {"kind", e.kind},
                                        {"metadata", {{"namespace", e.ns}, {"name", e.name}}}});
      std::cout << "diff -u -N live/" << name << " merged/" << name << "\n" << e.diff;
    }
  }
  std::cout.flush();
  print_lists(entries, targets);
  std::vector<Problem> problems;
  for (const auto& e : entries)
    if (e.action == "error") problems.push_back(Problem{Severity::Error, {}, e.display() + ": " + e.reason, e.hint});
  std::cerr << summary << "\n";
  if (!problems.empty()) throw Error(std::move(problems));
  return counts.changes() ? 1 : 0;
}

}  // namespace lo::deploy
