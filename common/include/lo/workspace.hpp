// The project on disk: its root, the clusters folder, the domains in it, the
// active domain and the targets of a domain.
//
//   root      = --root, else the nearest folder upwards from the working
//               directory that has a clusters/ folder
//   clusters  = $PATH_CLUSTERS when set, else <root>/clusters
//   a domain  = a folder of clusters/ holding cluster.lok8s.yaml (a cluster
//               domain) or deploy.lok8s.yaml (a deploy domain); when both
//               exist the cluster spec wins
//   active    = the one line of clusters/.active
//
// Domain precedence: --domain (or a positional) > clusters/.active >
// $DOMAIN_NAME > lok8s.dev. Names never reach outside the project: no '/',
// no '..', no leading '.', nothing absolute.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace lo {

inline constexpr const char* kDefaultDomain = "lok8s.dev";
inline constexpr const char* kClusterSpecFile = "cluster.lok8s.yaml";
inline constexpr const char* kDeploySpecFile = "deploy.lok8s.yaml";

struct Workspace {
  std::filesystem::path root;      // project root (absolute)
  std::filesystem::path clusters;  // clusters folder (absolute)

  std::filesystem::path domain_dir(const std::string& domain) const { return clusters / domain; }
  std::filesystem::path kubeconfig_dir() const { return root / ".kubeconfig"; }
  // How to show a path to the user: relative to the root when below it.
  std::string show(const std::filesystem::path& p) const;
};

// Finds the project. `root_flag` is the value of --root when given.
// Throws lo::Error with a hint when no project is found.
Workspace find_workspace(const std::optional<std::string>& root_flag);

enum class DomainKind { Cluster, Deploy };

struct DomainRef {
  std::string name;
  std::filesystem::path dir;
  std::filesystem::path spec_file;
  DomainKind kind = DomainKind::Cluster;
};

// Throws lo::UsageError when `name` is not a safe domain name.
void validate_domain_name(const std::string& name);
// Throws lo::UsageError when `name` is not a safe target name.
void validate_target_name(const std::string& name);

// Every domain of the project, sorted by name (byte order).
std::vector<DomainRef> list_domains(const Workspace& ws);
std::optional<DomainRef> find_domain(const Workspace& ws, const std::string& name);
// Like find_domain, but throws an error that lists the domains there are.
DomainRef require_domain(const Workspace& ws, const std::string& name);

std::optional<std::string> read_active_domain(const Workspace& ws);
void write_active_domain(const Workspace& ws, const std::string& name);

// The domain a command acts on when the user named none explicitly, with the
// precedence above. `explicit_domain` is --domain or a positional.
std::string resolve_domain_name(const Workspace& ws, const std::optional<std::string>& explicit_domain);

// Commands take their domain from --domain or their first positional. When
// more positionals may follow (targets of build/deploy), the first one is
// the domain only if clusters/<it> is a domain folder; otherwise every
// positional stays a target. Both a --domain and a different domain
// positional is a usage error.
struct DomainChoice {
  std::string domain;
  std::vector<std::string> rest;  // the positionals that are not the domain
};
DomainChoice choose_domain(const Workspace& ws, const std::optional<std::string>& flag,
                           const std::vector<std::string>& positionals, bool targets_follow);

// Target folders of a domain: non-dot folders under <domain>/targets, sorted.
std::vector<std::string> list_targets(const Workspace& ws, const std::string& domain);

// The targets named in `asked`, in that order and without repeats, each a
// valid name found in `known`. Throws lo::Error for an unknown one, with
// the known targets as the hint, or `none_hint` when there are none.
std::vector<std::string> select_targets(const std::string& domain, const std::vector<std::string>& known,
                                        const std::vector<std::string>& asked, const std::string& none_hint);

}  // namespace lo
