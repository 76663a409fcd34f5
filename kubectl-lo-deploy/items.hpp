// The objects of one target as the engine, prune and diff handle them: the
// manifest, its kind mapped to a served resource (or to a CRD of the same
// target), its namespace settled, and what happened to it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "deploy.hpp"

namespace lo::deploy {

enum class Outcome { None, Created, Configured, Unchanged, Applied, Unchecked, Failed };

struct Item {
  const Manifest* manifest = nullptr;
  Json object;
  std::string api_version, kind, group, ns, name;
  std::optional<ResourceInfo> resource;
  bool mapped_by_crd = false;  // its kind comes from a CRD of this target
  Outcome outcome = Outcome::None;
  std::string note, hint;
  Json result;

  std::string display() const { return kind + "/" + (ns.empty() ? "" : ns + "/") + name; }
  // group/kind/namespace/name: what identifies an object in a cluster.
  std::string identity() const { return identity_of(group, kind, ns, name); }
  static std::string identity_of(const std::string& group, const std::string& kind, const std::string& ns,
                                 const std::string& name) {
    return group + "/" + kind + "/" + ns + "/" + name;
  }
};

std::vector<Item> prepare_items(const std::vector<Manifest>& manifests);

// Kind -> resource for every object, before anything is applied; kinds the
// server does not serve yet may come from a CRD among `items`. Namespaced
// objects that name no namespace get `default_namespace`; cluster-scoped
// ones lose theirs; an object listed twice is an error. With strict=false
// (objects --filter left out) an unknown kind is no error: it keeps no
// resource and its namespace as written.
void map_resources(KubeClient& client, const std::string& default_namespace, std::vector<Item>& items,
                   const std::string& target, bool strict = true);

bool is_crd(const Item& it);
bool is_namespace(const Item& it);
bool is_late(const Item& it);

}  // namespace lo::deploy
