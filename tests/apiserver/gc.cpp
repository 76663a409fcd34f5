#include "gc.hpp"

#include <algorithm>
#include <map>
#include <optional>

namespace lotest {
namespace {

const char* kManager = "generic-garbage-collector";

struct Node {
  std::string key;  // store key
  ObjPtr obj;
  const json& meta() const { return (*obj)["metadata"]; }
  std::string uid() const { return meta().value("uid", ""); }
  bool deleting() const { return meta().contains("deletionTimestamp"); }
  bool hasFinalizer(const std::string& f) const {
    const json& fs = meta().value("finalizers", json::array());
    return std::find(fs.begin(), fs.end(), f) != fs.end();
  }
};

bool mayMatter(const WatchEvent& ev) {
  if (ev.type == "DELETED") return true;
  const json& meta = (*ev.object)["metadata"];
  return meta.contains("ownerReferences") || meta.contains("deletionTimestamp");
}

}  // namespace

bool GarbageCollector::sweep() {
  Store& store = objects_.store();
  std::map<std::string, Node> byUid;
  std::vector<Node> dependents;
  for (auto& [key, obj] : store.all()) {
    Node n{key, obj};
    byUid[n.uid()] = n;
    const json& refs = n.meta().value("ownerReferences", json::array());
    if (refs.is_array() && !refs.empty()) dependents.push_back(n);
  }

  bool settled = true;
  auto targetOf = [&](const Node& n) -> std::optional<Target> {
    auto slash = n.key.find('/');
    TypePtr type = objects_.registry().findAnyVersion(n.key.substr(0, slash), n.key.substr(slash + 1));
    if (!type) return std::nullopt;
    return Target{type, n.meta().value("namespace", ""), n.meta().value("name", ""), ""};
  };
  WriteOptions o;
  o.fieldManager = kManager;
  // A merge patch of one metadata list, guarded by the resourceVersion it was
  // computed from; a lost race only means another pass.
  auto patchMeta = [&](const Node& n, const char* field, const json& value) {
    auto t = targetOf(n);
    if (!t) return;
    json p = {{"metadata", {{field, value}, {"resourceVersion", n.meta().value("resourceVersion", "")}}}};
    try {
      objects_.patch(*t, "application/merge-patch+json", p.dump(), o);
    } catch (const ApiError&) {
      settled = false;
    }
  };
  auto remove = [&](const Node& n) {
    auto t = targetOf(n);
    if (!t || n.deleting()) return;
    DeleteOptions del;
    del.propagation = "Background";
    del.preconditions = {{"uid", n.uid()}};
    try {
      objects_.remove(*t, del, o);
    } catch (const ApiError& e) {
      if (e.code() != 404) settled = false;
    }
  };

  std::map<std::string, size_t> blocking;  // owner uid -> dependents with blockOwnerDeletion
  for (const Node& d : dependents) {
    json kept = json::array();
    bool solid = false, dropped = false;
    for (const auto& ref : d.meta()["ownerReferences"]) {
      std::string uid = ref.value("uid", "");
      auto owner = byUid.find(uid);
      if (owner == byUid.end()) {  // dangling: the owner is gone
        dropped = true;
        continue;
      }
      const Node& o2 = owner->second;
      if (o2.deleting() && o2.hasFinalizer(kOrphanFinalizer)) {  // orphaned: lose the reference
        dropped = true;
        solid = true;  // an orphan stays
        continue;
      }
      if (o2.deleting() && o2.hasFinalizer(kForegroundFinalizer)) {  // waiting for its dependents
        if (ref.value("blockOwnerDeletion", false)) ++blocking[uid];
        dropped = true;
        continue;
      }
      solid = true;
      kept.push_back(ref);
    }
    if (!dropped) continue;
    if (solid)
      patchMeta(d, "ownerReferences", kept.empty() ? json(nullptr) : kept);
    else
      remove(d);
  }

  // Owners whose finalizer has done its work.
  for (const auto& [uid, n] : byUid) {
    if (!n.deleting()) continue;
    bool orphan = n.hasFinalizer(kOrphanFinalizer);
    bool foreground = n.hasFinalizer(kForegroundFinalizer) && !blocking.count(uid);
    if (!orphan && !foreground) continue;
    // Orphans were released above; this pass saw no blocking dependent.
    bool stillReferenced = false;
    for (const Node& d : dependents)
      for (const auto& ref : d.meta()["ownerReferences"])
        if (ref.value("uid", "") == uid && orphan) stillReferenced = true;
    if (stillReferenced) {
      settled = false;  // the dependents' patches must land first
      continue;
    }
    json rest = json::array();
    for (const auto& f : n.meta().value("finalizers", json::array()))
      if (!(orphan && f == kOrphanFinalizer) && !(foreground && f == kForegroundFinalizer)) rest.push_back(f);
    patchMeta(n, "finalizers", rest.empty() ? json(nullptr) : rest);
  }
  return settled;
}

void GarbageCollector::run() {
  Store& store = objects_.store();
  bool due = false;
  while (!store.stopping()) {
    std::vector<WatchEvent> events;
    uint64_t upTo = cursor_;
    if (!store.eventsSince(cursor_, "", &events, &upTo)) {
      due = true;
    } else {
      for (const auto& ev : events) due = due || mayMatter(ev);
    }
    cursor_ = upTo;
    if (due) due = !sweep();
    store.waitForChange(cursor_, std::chrono::steady_clock::now() + std::chrono::milliseconds(due ? 50 : 500));
  }
}

}  // namespace lotest
