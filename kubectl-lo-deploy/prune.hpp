// Pruning with a target's ApplySet: the live members (objects labelled
// applyset.kubernetes.io/part-of=<ID>, found by label per group-kind, only
// in the set's namespaces) that the target no longer contains, and their
// deletion in reverse dependency order (lo/delete_order.hpp), wave by wave,
// propagationPolicy Background, one progress line per object.
//
// Never deleted: objects without the set's label (not members), members the
// target still contains, members annotated lok8s.dev/prune: disabled,
// members with ownerReferences (KEP-3659: an ownership conflict; they are
// reported, not deleted), the Namespace that holds the set's parent, and,
// with --filter, members the filter does not select.
#pragma once

#include <chrono>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "applyset.hpp"
#include "lo/delete_order.hpp"

namespace lo::deploy {

struct Member {
  ResourceInfo resource;
  std::string ns, name, uid;
  Json object;
  DeleteWave wave = DeleteWave::NamespacedConfig;

  std::string display() const { return resource.kind + "/" + (ns.empty() ? "" : ns + "/") + name; }
  std::string identity() const { return Item::identity_of(resource.group, resource.kind, ns, name); }
};

// The group-kind and namespace of a member, as its parent records them.
void add_scope(const Member& m, std::set<applyset::GroupKind>& kinds, std::set<std::string>& namespaces);

// Every live member of `set` of these kinds in these namespaces (cluster-
// scoped kinds: cluster-wide). Kinds the server no longer serves are skipped.
std::vector<Member> list_members(KubeClient& client, const TargetSet& set, const std::set<applyset::GroupKind>& kinds,
                                 const std::set<std::string>& namespaces, size_t concurrency);

struct PruneSelection {
  std::vector<Member> candidates;                     // to delete
  std::vector<std::pair<Member, std::string>> kept;   // with the reason
};

// The members not among `contained` (Item::identity() of every object of
// the target), minus the protected ones listed above.
PruneSelection select_for_prune(std::vector<Member> members, const std::set<std::string>& contained,
                                const std::vector<LabelFilter>& filters, const TargetSet& set);
// For deploy --delete: every member, minus the protected ones.
PruneSelection select_all(std::vector<Member> members, const TargetSet& set);

struct DeleteRun {
  bool dry_run = false;
  size_t concurrency = 16;
  std::chrono::steady_clock::time_point deadline;
  std::string why;  // appended to each line, e.g. "pruned: no longer in target app"
};

// Deletes `members` wave by wave; a wave starts when the one before is gone
// (objects held by finalizers are awaited until the deadline). Returns how
// many were deleted; throws lo::Error naming what failed and what was not
// deleted because of it.
size_t delete_members(KubeClient& client, std::vector<Member> members, const DeleteRun& run, Progress& progress);

}  // namespace lo::deploy
