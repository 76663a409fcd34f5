#include "prune.hpp"

#include <algorithm>
#include <map>
#include <thread>

#include "lo/log.hpp"
#include "lo/parallel.hpp"

namespace lo::deploy {
namespace as = lo::applyset;

namespace {

Json meta_of(const Json& obj) {
  return obj.is_object() && obj.contains("metadata") && obj["metadata"].is_object() ? obj["metadata"] : Json::object();
}

std::string annotation(const Json& obj, const char* key) {
  Json meta = meta_of(obj);
  return meta.contains("annotations") && meta["annotations"].is_object() ? meta["annotations"].value(key, "") : "";
}

// Why a member must stay, or "" when it may go.
std::string protection(const Member& m, bool keep_parent_namespace, const TargetSet& set) {
  if (annotation(m.object, as::kPruneAnnotation) == "disabled") return std::string(as::kPruneAnnotation) + ": disabled";
  Json meta = meta_of(m.object);
  if (meta.contains("ownerReferences") && meta["ownerReferences"].is_array() && !meta["ownerReferences"].empty()) {
    const Json& owner = meta["ownerReferences"][0];
    return "owned by " + owner.value("kind", "?") + "/" + owner.value("name", "?") +
           " (ownerReferences): its owner decides when it goes";
  }
  if (keep_parent_namespace && m.resource.group.empty() && m.resource.kind == "Namespace" &&
      m.name == set.parent().ns)
    return "it holds the ApplySet parent " + set.parent().display();
  return "";
}

bool deleting(const Member& m) { return meta_of(m.object).contains("deletionTimestamp"); }

}  // namespace

void add_scope(const Member& m, std::set<as::GroupKind>& kinds, std::set<std::string>& namespaces) {
  kinds.insert(as::GroupKind{m.resource.group, m.resource.kind});
  if (m.resource.namespaced && !m.ns.empty()) namespaces.insert(m.ns);
}

std::vector<Member> list_members(KubeClient& client, const TargetSet& set, const std::set<as::GroupKind>& kinds,
                                 const std::set<std::string>& namespaces, size_t concurrency) {
  std::vector<ResourceInfo> resources;
  for (const auto& gk : kinds) {
    if (auto r = client.find_group_kind(gk.group, gk.kind)) resources.push_back(*r);
    else log::debug(1, "ApplySet " + set.parent().display() + ": kind " + gk.str() + " is not served; no members of it");
  }
  ListOptions by_label;
  by_label.label_selector = std::string(as::kPartOfLabel) + "=" + set.id();
  std::vector<std::vector<Member>> found(resources.size());
  parallel_for(resources.size(), concurrency, [&](size_t i) {
    const ResourceInfo& r = resources[i];
    std::vector<Json> items;
    try {
      // One request per kind, across namespaces; only those of the set count.
      items = client.list(KubeClient::collection_path(r, ""), by_label).items;
    } catch (const ApiError& e) {
      if (e.status() != 403 || !r.namespaced) throw;
      for (const auto& ns : namespaces)  // no cluster-wide list allowed: one per namespace
        for (auto& obj : client.list(KubeClient::collection_path(r, ns), by_label).items) items.push_back(std::move(obj));
    }
    for (auto& obj : items) {
      Json meta = meta_of(obj);
      std::string ns = meta.value("namespace", "");
      if (r.namespaced && !namespaces.count(ns)) continue;
      if (!meta.contains("labels") || !meta["labels"].is_object() || meta["labels"].value(as::kPartOfLabel, "") != set.id())
        continue;
      Member m{r, ns, meta.value("name", ""), meta.value("uid", ""), std::move(obj), delete_wave(r.group, r.kind, r.namespaced)};
      found[i].push_back(std::move(m));
    }
  });
  std::vector<Member> out;
  for (auto& f : found)
    for (auto& m : f) out.push_back(std::move(m));
  return out;
}

PruneSelection select_for_prune(std::vector<Member> members, const std::set<std::string>& contained,
                                const std::vector<LabelFilter>& filters, const TargetSet& set) {
  PruneSelection s;
  for (auto& m : members) {
    if (contained.count(m.identity()) || deleting(m)) continue;
    if (!filters.empty() && !matches_filters(m.object, filters)) continue;
    std::string why = protection(m, true, set);
    if (why.empty()) s.candidates.push_back(std::move(m));
    else s.kept.emplace_back(std::move(m), why);
  }
  return s;
}

PruneSelection select_all(std::vector<Member> members, const TargetSet& set) {
  PruneSelection s;
  for (auto& m : members) {
    if (deleting(m)) continue;
    std::string why = protection(m, false, set);
    if (why.empty()) s.candidates.push_back(std::move(m));
    else s.kept.emplace_back(std::move(m), why);
  }
  return s;
}

size_t delete_members(KubeClient& client, std::vector<Member> members, const DeleteRun& run, Progress& progress) {
  std::map<DeleteWave, std::vector<Member>> waves;
  for (auto& m : members) waves[m.wave].push_back(std::move(m));
  size_t deleted = 0;
  std::vector<std::string> done;  // for the error: what was already deleted
  for (auto wave = waves.begin(); wave != waves.end(); ++wave) {
    auto& batch = wave->second;
    std::sort(batch.begin(), batch.end(), [](const Member& a, const Member& b) { return a.display() < b.display(); });
    if (!progress.tty()) progress.note("deleting " + std::to_string(batch.size()) + " " + wave_name(wave->first));
    std::vector<DeleteResult::State> states(batch.size());
    std::vector<std::string> errors(batch.size());
    DeleteOptions options;
    options.dry_run = run.dry_run;
    parallel_for(batch.size(), run.concurrency, [&](size_t i) {
      DeleteOptions o = options;
      o.uid = batch[i].uid;
      try {
        states[i] = client.remove(batch[i].resource, batch[i].ns, batch[i].name, o).state;
      } catch (const Error& e) {
        errors[i] = e.what();
      }
    });
    std::vector<size_t> pending;
    std::vector<std::string> failures;
    for (size_t i = 0; i < batch.size(); ++i) {
      const Member& m = batch[i];
      std::string suffix = run.why.empty() ? "" : " (" + run.why + ")";
      if (!errors[i].empty()) {
        progress.fail(m.display() + ": " + errors[i]);
        failures.push_back(m.display() + ": " + errors[i]);
        continue;
      }
      switch (states[i]) {
        case DeleteResult::State::Gone:
          ++deleted;
          done.push_back(m.display());
          progress.result(m.display() + (run.dry_run ? " would be deleted (server dry run)" : " deleted") + suffix);
          break;
        case DeleteResult::State::Pending:
          pending.push_back(i);
          progress.result(m.display() + " deleting, finalizers pending" + suffix);
          break;
        case DeleteResult::State::Absent:
          progress.result(m.display() + " was already gone");
          break;
        case DeleteResult::State::Replaced:
          progress.result(m.display() + " not deleted: another object of that name replaced it meanwhile");
          break;
      }
    }
    // Objects held by finalizers: the next wave waits until they are gone.
    while (!pending.empty() && failures.empty()) {
      std::vector<size_t> still;
      for (size_t i : pending) {
        const Member& m = batch[i];
        std::optional<Json> live = client.get_object(m.resource, m.ns, m.name);
        if (!live || meta_of(*live).value("uid", "") != m.uid) {
          ++deleted;
          done.push_back(m.display());
          progress.result(m.display() + " deleted");
          continue;
        }
        still.push_back(i);
        if (std::chrono::steady_clock::now() >= run.deadline) {
          Json finalizers = meta_of(*live).value("finalizers", Json::array());
          failures.push_back(m.display() + " is still there after its deletion (finalizers " + finalizers.dump() + ")");
        }
      }
      pending = std::move(still);
      if (!pending.empty() && failures.empty()) {
        progress.status("waiting for " + std::to_string(pending.size()) + " " + wave_name(wave->first) +
                        " to be deleted (finalizers)");
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
      }
    }
    progress.clear_status();
    if (!failures.empty()) {
      std::vector<Problem> problems;
      for (const auto& f : failures) problems.push_back(Problem{Severity::Error, {}, f, {}});
      std::vector<std::string> left;
      for (auto later = std::next(wave); later != waves.end(); ++later)
        for (const auto& m : later->second) left.push_back(m.display());
      problems.push_back(Problem{Severity::Error, {},
                                 std::to_string(failures.size()) + " of " + std::to_string(batch.size()) + " " +
                                     wave_name(wave->first) + " could not be deleted",
                                 left.empty() ? "deleted so far: " + (done.empty() ? std::string("nothing") : join(done))
                                              : "not deleted because of it: " + join(left) +
                                                    "; run again once the cause is fixed (or give it longer with --timeout)"});
      throw Error(std::move(problems));
    }
  }
  return deleted;
}

}  // namespace lo::deploy
