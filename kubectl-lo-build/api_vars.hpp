// ${LOK8S_USER_API_HOST} and ${LOK8S_USER_API_PORT}: where the API server of
// the domain's cluster listens, taken from the kubeconfig `kubectl lo
// deploy` would use (lo/domain_cluster.hpp), so the two commands mean the
// same cluster (upstream-pipeline §3.4, with B-12 fixed):
//
//   server  of the cluster of the chosen context (--context, else
//           current-context), not the first cluster entry of the file
//   HOST    the URL's host, an IPv6 literal without its brackets
//           (https://[fd00::1]:6443 -> fd00::1), as KUBERNETES_SERVICE_HOST
//           and cilium's k8sServiceHost take it; a URL written around it
//           needs the brackets: https://[${LOK8S_USER_API_HOST}]:...
//   PORT    the explicit port, else 443 for https and 80 for http (upstream
//           said 6443); a path after the authority is not part of either
//
// A value exported in the environment wins (the user's override). With no
// kubeconfig file, or one that chooses no context, the variables are not
// set and stay literal like any unset variable; -v says why. A kubeconfig
// that exists but is malformed fails the targets that use them, naming the
// file. Only the context, its cluster and the server are read: never a
// user, a token or a key.
//
// The kubeconfig is read at most once per build, and only when a target
// needs the values: when the output of a rebuilt target mentions one of the
// names, when a target's cache stamp recorded one (its values take part in
// the up-to-date check, cache.hpp), or when a target with plugins (always
// rebuilt) runs: its kustomize gets them in the environment, as upstream's
// did. A build with nothing changed whose targets do not use them never
// reads it; one whose targets do reads it and rebuilds them when the server
// moved.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "kubectl-lo-build/envsubst.hpp"
#include "lo/domain_cluster.hpp"
#include "lo/error.hpp"
#include "lo/kubeconfig.hpp"
#include "lo/workspace.hpp"

namespace lo::build {

inline constexpr std::string_view kApiHost = "LOK8S_USER_API_HOST";
inline constexpr std::string_view kApiPort = "LOK8S_USER_API_PORT";

// The two variables for a server URL.
VarMap api_variables(const ServerUrl& url);

class BuildVariables {
 public:
  // `base`: the spec and environment variables (substitution_variables).
  BuildVariables(VarMap base, Workspace ws, KubeconfigChoice choice);

  // The variables without the derived API ones (what kustomize children get).
  const VarMap& base() const { return base_; }

  // True when `text` mentions an API variable the environment did not set.
  bool mentioned_in(std::string_view text) const;
  // True when a cache stamp recorded such a variable.
  bool recorded_in(const std::map<std::string, std::optional<std::string>>& stamp_vars) const;

  // base(), plus the API variables when `with_api`. Thread-safe; reads the
  // kubeconfig on the first call that asks. Throws lo::Error when it is
  // malformed (every caller that asks gets the same error).
  const VarMap& get(bool with_api) const;

 private:
  bool derived(std::string_view name) const;

  VarMap base_;
  Workspace ws_;
  KubeconfigChoice choice_;
  // Filled once, on the first get(true); the build's workers share it.
  mutable std::once_flag once_;
  mutable VarMap full_;
  mutable std::optional<Error> error_;
};

}  // namespace lo::build
