// kubectl lo bootstrap [DOMAIN] [ENTRY...]: flags in, bootstrap::Options
// out; the work is in bootstrap/ (bootstrap.hpp).
#include "bootstrap/bootstrap.hpp"
#include "commands.hpp"

namespace lo::cmd {
namespace {

void flags(cli::Options& o) {
  o.add_options()
      ("values", cli::text("ENTRY"), "print the merged Helm values of one entry and exit")
      ("dry-run", cli::boolean(), "print the run's steps and the rendered stages; apply and keep nothing")
      ("timeout", cli::duration(false)->hint("give a positive duration such as 180s, 5m or 1m30s"),
       "how long each stage may take to become healthy (default 180s)")
      ("parallel", cli::number("N", 1, 64), "stages at once when entries use dependsOn (default 4)")
      ("force", cli::boolean(), "render every stage again, even when its cached output is current");
  cli::kubeconfig_flags(o);
  cli::domain_flag(o);
}

int bootstrap(const cli::Args& a) {
  bootstrap::Options o{.root = a.get("root"),
                       .domain = a.get("domain"),
                       .positionals = a.positionals(),
                       .kubeconfig = a.get("kubeconfig"),
                       .context = a.get("context"),
                       .values_of = a.get("values"),
                       .dry_run = a.has("dry-run"),
                       .force = a.has("force")};
  if (auto t = a.get_duration("timeout")) o.timeout = *t;
  if (auto p = a.get_number("parallel")) o.parallel = static_cast<unsigned>(*p);
  o.verbosity = a.verbosity();
  return bootstrap::run(o);
}

}  // namespace

const cli::Command bootstrap_command{
    .name = "bootstrap",
    .summary = "Apply spec.bootstrap (CNI, load balancer, ...) stage by stage",
    .usage = "[DOMAIN] [ENTRY...] [flags]",
    .about = "Apply a domain's spec.bootstrap (CNI, load balancer, cloud controller,\n"
             "cert-manager, ...) stage by stage: each stage is rendered (a Helm chart with\n"
             "layered values, then the addon's kustomization; or a kustomization), gets\n"
             "the ${LOK8S_SPEC_*}/${LOK8S_USER_*} substitution of kubectl lo build, and is\n"
             "applied through the deploy engine: CRDs first and Established, server-side\n"
             "apply, then its Deployments, DaemonSets and StatefulSets until healthy.\n"
             "Without dependsOn, stages run in the list's order, each healthy before the\n"
             "next; with dependsOn, independent entries run at once (--parallel).\n"
             "Every stage is planned and rendered before anything is applied. provision\n"
             "and up run it after the driver (unless --skip-bootstrap).\n"
             "\n"
             "Entries: a bare name is the project's .lok8s/addons/<name>/, else lo's own\n"
             "addon (kubectl lo addons lists them); ./x and ../x are relative to\n"
             "clusters/<domain>/; /x is relative to the project root.",
    .flags = flags,
    .run = bootstrap,
    .words = cli::Words::Domain,
    .examples = "  kubectl lo bootstrap                     # every stage of the active domain\n"
                "  kubectl lo bootstrap lok8s.dev metallb   # one stage\n"
                "  kubectl lo bootstrap --dry-run           # the run's steps, then the rendered stages\n"
                "  kubectl lo bootstrap --values cilium     # the merged Helm values of an entry",
};

}  // namespace lo::cmd
