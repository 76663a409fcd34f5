// The ApplySet specification (KEP-3659) with the names and formats kubectl
// implements (staging/src/k8s.io/kubectl/pkg/cmd/apply/applyset.go), so that
// a set lo deploys is the set `kubectl apply --prune --applyset=...` sees.
//
//   parent   one object per set: a Secret (namespaced) or a custom resource
//            whose CRD carries the is-parent-type label (cluster-scoped).
//            Labelled applyset.kubernetes.io/id=<ID>; annotated with the
//            tooling (<tool>/<semver>), the group-kinds of its members
//            (contains-group-kinds, "Kind.group" sorted, comma-joined) and the
//            namespaces besides its own (additional-namespaces).
//   members  labelled applyset.kubernetes.io/part-of=<ID>. The label is the
//            source of truth: only objects carrying it are ever pruned.
//   ID       "applyset-" + base64url(sha256("<name>.<namespace>.<kind>.<group>"))
//            + "-v1", unpadded; a cluster-scoped parent has an empty namespace.
//
// Tools refuse to change a set whose tooling names another tool; kubectl
// compares the part before the last '/' ("kubectl" of "kubectl/v1.32.4").
#pragma once

#include <set>
#include <string>

namespace lo::applyset {

inline constexpr const char* kIdLabel = "applyset.kubernetes.io/id";
inline constexpr const char* kPartOfLabel = "applyset.kubernetes.io/part-of";
inline constexpr const char* kToolingAnnotation = "applyset.kubernetes.io/tooling";
inline constexpr const char* kGroupKindsAnnotation = "applyset.kubernetes.io/contains-group-kinds";
// Older kubectl wrote group-resources instead; read, never written.
inline constexpr const char* kGroupResourcesAnnotation = "applyset.kubernetes.io/contains-group-resources";
inline constexpr const char* kNamespacesAnnotation = "applyset.kubernetes.io/additional-namespaces";
// On a CRD: its custom resources may be ApplySet parents.
inline constexpr const char* kParentTypeLabel = "applyset.kubernetes.io/is-parent-type";
// lo's own: "lok8s.dev/prune: disabled" keeps a member from being pruned.
inline constexpr const char* kPruneAnnotation = "lok8s.dev/prune";
inline constexpr const char* kToolName = "lo";

struct GroupKind {
  std::string group;  // "" for the core group
  std::string kind;

  // "Deployment.apps", "ConfigMap" (kubectl's schema.GroupKind.String()).
  std::string str() const { return group.empty() ? kind : kind + "." + group; }
  bool operator<(const GroupKind& o) const { return str() < o.str(); }
  bool operator==(const GroupKind& o) const { return group == o.group && kind == o.kind; }
};

// The ID of the set whose parent is <kind>.<group> <namespace>/<name>.
std::string set_id(const std::string& name, const std::string& ns, const std::string& kind, const std::string& group);

// "Kind.group" is split at its first '.', like kubectl's ParseGroupKind.
GroupKind parse_group_kind(const std::string& text);
// The annotation value: sorted, comma-joined, empty for an empty set.
std::string format_group_kinds(const std::set<GroupKind>& kinds);
std::set<GroupKind> parse_group_kinds(const std::string& value);
// additional-namespaces: sorted, comma-joined, without `own` (the parent's).
std::string format_namespaces(const std::set<std::string>& namespaces, const std::string& own);
std::set<std::string> parse_namespaces(const std::string& value);

// "kubectl/v1.32.4" -> "kubectl" (everything before the last '/').
std::string tooling_name(const std::string& tooling);
// What lo writes: "lo/v<version>".
std::string tooling_value();

// The parent's metadata.name for a target of a domain: "lo.<domain>.<target>"
// when that is a valid DNS subdomain name, else a lowercased, cleaned form
// with a short hash of the original, so two targets never share a name.
std::string parent_name(const std::string& domain, const std::string& target);

// True when `s` is a DNS-1123 subdomain (lowercase, '.', '-', 253 at most).
bool dns_subdomain(const std::string& s);

}  // namespace lo::applyset
