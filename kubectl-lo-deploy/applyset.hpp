// A target's ApplySet (lo/applyset.hpp) in the cluster: finding its parent,
// refusing a set another tool manages, labelling the members, writing the
// parent.
//
// Where the parent lives. A set keeps the parent it was created with, found
// again by name (lo.<domain>.<target>): first a Secret in the deploy's
// default namespace, then a cluster-scoped ApplySet (lok8s.dev/v1). A new
// set gets
//   - a Secret in the default namespace when the target has objects there
//     (the target's namespace), or
//   - a cluster-scoped ApplySet when it has none (cluster-scoped objects,
//     or objects in other namespaces only): lo then installs the
//     CustomResourceDefinition applysets.lok8s.dev, labelled
//     applyset.kubernetes.io/is-parent-type, as the spec requires of
//     custom parent types.
//
// Tooling. lo writes "lo/v<version>" and refuses a parent whose tooling
// names another tool (kubectl refuses lo's sets the same way); a parent
// without tooling or with another ID label is an error too (KEP-3659: the
// ID MUST match the parent).
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "items.hpp"
#include "lo/applyset.hpp"
#include "progress.hpp"

namespace lo::deploy {

struct ParentRef {
  bool cluster_scoped = false;
  std::string name;
  std::string ns;  // "" when cluster-scoped

  std::string kind() const { return cluster_scoped ? "ApplySet" : "Secret"; }
  std::string group() const { return cluster_scoped ? "lok8s.dev" : ""; }
  std::string api_version() const { return cluster_scoped ? "lok8s.dev/v1" : "v1"; }
  // Secret/default/lo.lok8s.dev.app, ApplySet/lo.lok8s.dev.app
  std::string display() const { return kind() + "/" + (ns.empty() ? "" : ns + "/") + name; }
  // How kubectl names it: --applyset=<name> -n <ns>, or
  // --applyset=applysets.lok8s.dev/<name>
  std::string kubectl_flag() const;
};

class TargetSet {
 public:
  // Finds the parent of `target` (GETs only). `items` are all objects of
  // the target (null for deploy --delete, which never creates a set); they
  // decide where a new parent goes. Throws lo::Error for a parent lo must
  // not touch.
  static TargetSet open(KubeClient& client, const std::string& domain, const std::string& target,
                        const std::string& default_namespace, const std::vector<const Item*>* items);

  const std::string& id() const { return id_; }
  const ParentRef& parent() const { return parent_; }
  bool exists() const { return exists_; }
  // The parent was there when the set was opened: only then can the set
  // have members this deploy did not just apply.
  bool existed() const { return existed_; }
  // What the live parent says (empty for a new set).
  const std::set<applyset::GroupKind>& kinds() const { return kinds_; }
  const std::set<std::string>& namespaces() const { return namespaces_; }

  // Adds the part-of label to every item; a manifest that already carries
  // one is an error naming its file.
  void label(std::vector<Item>& items) const;
  static void check_unlabelled(const std::vector<Item>& items);

  // Creates or updates the parent with these kinds and namespaces (server-
  // side apply, field manager "lo"); installs the ApplySet CRD first when a
  // cluster-scoped parent needs it. Returns false, writing nothing, when the
  // parent's namespace does not exist yet.
  bool write(KubeClient& client, const std::set<applyset::GroupKind>& kinds, const std::set<std::string>& namespaces,
             Progress& progress, std::chrono::steady_clock::time_point deadline);
  // A cluster-scoped parent whose type (the CRD applysets.lok8s.dev) is not
  // served yet; install_parent_type applies that CRD without waiting, so its
  // establishment can overlap a target's own CRDs (write() awaits it).
  bool needs_parent_type(KubeClient& client) const;
  void install_parent_type(KubeClient& client, Progress& progress);
  static void apply_parent_type(KubeClient& client, Progress& progress);
  // Deletes the parent (deploy --delete); false when it was not there.
  bool remove(KubeClient& client, bool dry_run);

 private:
  ParentRef parent_;
  std::string id_;
  bool exists_ = false;
  bool existed_ = false;
  bool type_applied_ = false;  // install_parent_type ran: write() only awaits the type
  std::set<applyset::GroupKind> kinds_;
  std::set<std::string> namespaces_;
};

// A target's objects as deploy and diff take them: mapped to resources,
// checked for a part-of label in the manifests, labelled with the set.
struct TargetObjects {
  std::vector<Item> items;        // to apply (after --filter)
  std::vector<Item> others;       // what --filter left out: still the target's
  std::vector<const Item*> all;   // both
  TargetSet set;

  TargetObjects() = default;
  TargetObjects(TargetObjects&&) = default;  // `all` stays valid: vectors move their buffers
  TargetObjects(const TargetObjects&) = delete;
  // Item::identity() of every object of the target: what a prune keeps.
  std::set<std::string> identities(const std::string& default_namespace) const;
};

TargetObjects open_target(KubeClient& client, const std::string& domain, const TargetPlan& t,
                          const std::string& default_namespace);

// "is a member of another ApplySet (...)" when `live` carries the part-of
// label of a set other than the one `it` is labelled with; else "".
std::string other_set(const Item& it, const Json* live);
inline constexpr const char* kOtherSetHint =
    "another target, or another tool, deploys this object; an object belongs to one set, so keep it in one";

// The group-kinds and namespaces of objects, as a parent records them.
void add_scope(const Item& it, std::set<applyset::GroupKind>& kinds, std::set<std::string>& namespaces);

}  // namespace lo::deploy
