// kubectl lo bootstrap [DOMAIN] [ENTRY...]: flags in, bootstrap::Options
// out; the work is in bootstrap/ (bootstrap.hpp).
#include <iostream>

#include "bootstrap/bootstrap.hpp"
#include "commands.hpp"
#include "lo/cli.hpp"
#include "lo/log.hpp"

namespace lo::cmd {
namespace {

const char* kBootstrapHelp = R"(Apply a domain's spec.bootstrap (CNI, load balancer, cloud controller,
cert-manager, ...) stage by stage: each stage is rendered (a Helm chart with
layered values, then the addon's kustomization; or a kustomization), gets
the ${LOK8S_SPEC_*}/${LOK8S_USER_*} substitution of kubectl lo build, and is
applied through the deploy engine: CRDs first and Established, server-side
apply, then its Deployments, DaemonSets and StatefulSets until healthy.
Without dependsOn, stages run in the list's order, each healthy before the
next; with dependsOn, independent entries run at once (--parallel).
Every stage is planned and rendered before anything is applied. provision
and up run it after the driver (unless --skip-bootstrap).

Usage:
  kubectl lo bootstrap [DOMAIN] [ENTRY...] [flags]

Entries: a bare name is the project's .lok8s/addons/<name>/, else lo's own
addon (kubectl lo addons lists them); ./x and ../x are relative to
clusters/<domain>/; /x is relative to the project root.

Examples:
  kubectl lo bootstrap                     # every stage of the active domain
  kubectl lo bootstrap lok8s.dev metallb   # one stage
  kubectl lo bootstrap --dry-run           # the plan and the rendered stages
  kubectl lo bootstrap --values cilium     # the merged Helm values of an entry

Flags:
)";

}  // namespace

int bootstrap(const Argv& args) {
  auto flags = std::vector<Flag>{
                   {"values", 0, true, "ENTRY", "print the merged Helm values of one entry and exit"},
                   {"dry-run", 0, false, "", "print the plan and the rendered stages; apply nothing"},
                   {"timeout", 0, true, "DURATION", "how long each stage may take to become healthy (default 180s)"},
                   {"parallel", 0, true, "N", "stages at once when entries use dependsOn (default 4)"},
                   {"force", 0, false, "", "render every stage again, even when its cached output is current"},
               } +
               kubeconfig_flags() + domain_flags() + common_flags();
  Args a(flags, args);
  if (a.has("help")) {
    std::cout << kBootstrapHelp << format_flags(flags);
    return kExitOk;
  }
  bootstrap::Options o{.root = a.get("root"),
                       .domain = a.get("domain"),
                       .positionals = a.positionals(),
                       .kubeconfig = a.get("kubeconfig"),
                       .context = a.get("context"),
                       .values_of = a.get("values"),
                       .dry_run = a.has("dry-run"),
                       .force = a.has("force")};
  if (auto t = a.get("timeout")) o.timeout = positive_duration_flag("timeout", *t, "180s, 5m or 1m30s");
  if (auto p = a.get("parallel")) o.parallel = static_cast<unsigned>(count_flag("parallel", *p, 1, 64));
  o.verbosity = verbosity(a);
  log::set_verbosity(o.verbosity);
  return bootstrap::run(o);
}

}  // namespace lo::cmd
