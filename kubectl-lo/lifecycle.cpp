// kubectl lo provision | destroy | status | kubeconfig | up | down [DOMAIN]
// Validation of the whole spec happens before any driver runs.
#include <iostream>

#include "bootstrap/bootstrap.hpp"
#include "commands.hpp"
#include "driver.hpp"
#include "kubehz.hpp"
#include "remote.hpp"
#include "lo/defaults.hpp"
#include "lo/exec.hpp"
#include "lo/fs.hpp"
#include "lo/log.hpp"
#include "tilt_cmd.hpp"

namespace lo::cmd {
namespace fs = std::filesystem;
using driver::Context;

namespace {

// The management cluster of a Capi domain in SaaS mode (no
// spec.managementCluster): provision, destroy, status, up and down take it.
void management_flags(cli::Options& o) {
  o.add_options()
      ("kubeconfig", cli::text("FILE", cli::Complete::File),
       "Capi without spec.managementCluster (SaaS mode): the management cluster's kubeconfig")
      ("context", cli::text("NAME"), "Capi SaaS mode: the management cluster's context (of --kubeconfig, else $KUBECONFIG)");
}

void status_flags(cli::Options& o) {
  cli::domain_flag(o);
  management_flags(o);
  o.add_options()("remote", cli::boolean(),
                  "Lo: the cluster on a VM from spec.provider (spec.remote.mode docker or ci; see README)");
}

void lifecycle_flags(cli::Options& o) {
  status_flags(o);
  o.add_options()
      ("dry-run", cli::boolean(), "print the exact ordered plan and change nothing")
      ("force,f", cli::boolean(), "passed to drivers as LOK8S_FORCE=1")
      ("timeout", cli::duration(false)->hint("give a positive duration such as 90s, 15m or 1h"),
       "how long a production driver waits for its cluster (Capi, Kkp: 15m)");
}

// provision and up: the lifecycle flags and --skip-bootstrap.
void provision_flags(cli::Options& o) {
  lifecycle_flags(o);
  o.add_options()("skip-bootstrap", cli::boolean(), "do not apply spec.bootstrap (run 'kubectl lo bootstrap' later)");
}

// --kubeconfig and --context name a management cluster, which only a Capi
// domain in SaaS mode lacks: anywhere else they would be silently ignored
// (or worse, mistaken for the cluster itself), so they are refused.
void check_management_flags(const Context& c) {
  if (!c.kubeconfig_flag && !c.context_flag) return;
  const Spec& s = c.domain.spec;
  if (s.kind == SpecKind::Capi && !s.managementClusterDomain) return;
  std::string flag = c.kubeconfig_flag ? "--kubeconfig" : "--context";
  if (s.kind == SpecKind::Capi)
    throw UsageError(flag + " names the management cluster of a Capi domain in SaaS mode, but " + c.domain.ref.name +
                         " has spec.managementCluster.domain " + *s.managementClusterDomain,
                     "drop " + flag + " (the kubeconfig of " + *s.managementClusterDomain +
                         " is used), or remove spec.managementCluster from " + c.ws.show(c.domain.ref.spec_file));
  throw UsageError(flag + " is only for a Capi domain without spec.managementCluster (SaaS mode); " + c.domain.ref.name +
                       " is of kind " + s.kindText,
                   "drop " + flag + "; 'kubectl lo kubeconfig " + c.domain.ref.name + "' prints its cluster's kubeconfig");
}

// Loads and validates the domain, every spec error before any action. The
// context is made whole, from what was loaded: nothing in it is first made
// empty and then overwritten.
Context context(const cli::Args& a) {
  Workspace ws = find_workspace(a.get("root"));
  auto choice = choose_domain(ws, a.get("domain"), a.positionals(), false);
  LoadedDomain domain = load_domain(ws, choice.domain);
  for (const auto& w : domain.spec.warnings) log::problem("kubectl lo", w);
  Context c{std::move(ws),  std::move(domain),         a.has("dry-run"),     a.has("force"),
            a.verbosity(), a.get_duration("timeout"), a.get("kubeconfig"), a.get("context")};
  if (c.domain.spec.kind != SpecKind::Deploy) check_management_flags(c);  // a usage error first
  c.remote = a.has("remote");
  if (c.remote && c.domain.spec.kind != SpecKind::Lo && c.domain.spec.kind != SpecKind::Deploy)
    throw UsageError("--remote is for Lo domains; " + c.domain.ref.name + " is of kind " + c.domain.spec.kindText,
                     "drop --remote: a " + c.domain.spec.kindText + " cluster always gets its machines from spec.provider");
  if (c.domain.spec.kind == SpecKind::Lo) effective_spec(c.domain.spec);
  if (c.remote && c.domain.spec.kind == SpecKind::Lo) driver::check_remote_spec(c);
  return c;
}

// The cluster domain behind a domain: itself, or a Deploy domain's clusterRef.
Context cluster_of(Context c) {
  if (c.domain.spec.kind != SpecKind::Deploy) return c;
  const std::string ref = *c.domain.spec.clusterRefDomain;
  c.domain = load_domain(c.ws, ref);
  if (c.domain.spec.kind == SpecKind::Deploy) throw Error("clusterRef '" + ref + "' is itself a deployment domain");
  check_management_flags(c);
  if (c.remote && c.domain.spec.kind != SpecKind::Lo)
    throw UsageError("--remote is for Lo domains; " + ref + " is of kind " + c.domain.spec.kindText, "drop --remote");
  return c;
}

// Provision, post_provision, kubehz registration, bootstrap (the seeds'
// driver contract's order).
void provision_flow(const Context& c, bool skip_bootstrap) {
  auto d = driver::driver_for(c);
  log::note("provisioning " + c.domain.ref.name + " (" + c.domain.spec.kindText + ") with driver " + d->name());
  {
    // A plan shares what the driver's steps would make (the provider's
    // inventory, which names the key kubehz registers) with the steps after.
    std::optional<PlanState> plan;
    if (c.dry_run) plan.emplace();
    int rc = d->provision(c);
    if (rc == driver::kProvisionHandledAll) {
      log::note("driver handled the whole lifecycle (exit 100); skipping post-provision, kubehz and bootstrap");
      return;
    }
    if (!c.dry_run) d->post_provision(c);
    kubehz::register_cluster(c);
  }
  const std::string& name = c.domain.ref.name;
  if (skip_bootstrap) {
    log::note("bootstrap skipped (--skip-bootstrap): run 'kubectl lo bootstrap " + name + "' to apply spec.bootstrap");
    return;
  }
  bootstrap::Options o;
  o.root = c.ws.root.string();
  o.domain = name;
  o.verbosity = c.verbosity;
  // A dry run renders the stages (as the run would, after provisioning) and
  // lists the run's render, apply and wait steps; it applies nothing.
  o.plan_only = c.dry_run;
  if (!c.dry_run) o.kubeconfig = d->kubeconfig(c);
  try {
    bootstrap::run(o);
  } catch (const Error& e) {
    std::vector<Problem> problems = e.problems();
    problems.push_back(Problem{Severity::Error, {},
                               c.dry_run ? "provision of " + name +
                                               " would stop at its bootstrap: the cluster would be up and stay, its bootstrap unfinished"
                                         : "provision of " + name + ": the cluster is up and stays, but its bootstrap did not finish",
                               "fix the bootstrap and run 'kubectl lo bootstrap " + name +
                                   "', or set spec.bootstrap explicitly (bootstrap: [] for none); "
                                   "'kubectl lo provision --skip-bootstrap' provisions without it"});
    throw Error(std::move(problems));
  }
}

int provision(const cli::Args& a) {
  provision_flow(context(a), a.has("skip-bootstrap"));
  return kExitOk;
}

// kubehz deregistration (a warning when it fails), then the driver's destroy.
void destroy_flow(const Context& c) {
  auto d = driver::driver_for(c);
  kubehz::deregister_cluster(c);
  d->destroy(c);
}

int destroy(const cli::Args& a) {
  destroy_flow(context(a));
  return kExitOk;
}

int status(const cli::Args& a) {
  Context cl = cluster_of(context(a));
  std::cout << driver::driver_for(cl)->status(cl) << "\n";
  return kExitOk;
}

int kubeconfig(const cli::Args& a) {
  Context cl = cluster_of(context(a));
  std::cout << driver::driver_for(cl)->kubeconfig(cl) << "\n";
  return kExitOk;
}

int up(const cli::Args& a) {
  Context c = context(a);
  provision_flow(c, a.has("skip-bootstrap"));
  tilt::Launch l = tilt_launch(c.ws, c.domain.ref.name, std::nullopt);
  if (!find_program("tilt")) {  // the plan stops where the run would
    log::note(std::string(c.dry_run ? "the cluster would be up." : "the cluster is up.") +
              " Tilt is not installed, so the live dev loop was not started:");
    log::note("  install it (https://docs.tilt.dev/install.html), then run 'kubectl lo tilt up " + c.domain.ref.name + "'");
    return kExitOk;
  }
  return tilt_up_or_attach(l, c.dry_run);
}

int down(const cli::Args& a) {
  Context c = context(a);
  if (auto t = tilt::running(c.ws, c.domain.ref.name)) {
    if (c.dry_run) std::cout << "stop: tilt (pid " << t->pid << ")\n";
    else if (tilt::stop(c.ws, c.domain.ref.name)) log::note("stopped tilt (pid " + std::to_string(t->pid) + ")");
  }
  destroy_flow(c);
  return kExitOk;
}

}  // namespace

const cli::Command provision_command{
    .name = "provision",
    .summary = "Create a domain's cluster with its driver",
    .usage = "[DOMAIN] [--remote] [--dry-run] [--skip-bootstrap]",
    .about = "Create the cluster of a domain with its kind's driver, then run post-provision, register it\n"
             "with kubehz (spec.kubehz.access registered or managed: pending, with its SSH key's MD5\n"
             "fingerprint for the dashboard's Claim page) and apply spec.bootstrap (kubectl lo bootstrap),\n"
             "unless the driver handled everything (exit 100).\n"
             "--remote (Lo): on a VM made by spec.provider; spec.remote.mode docker runs the cluster on the\n"
             "VM's Docker daemon from here, ci provisions on the VM itself (rsync + ssh) and skips the local bootstrap.",
    .flags = provision_flags,
    .run = provision,
    .words = cli::Words::Domain,
};

const cli::Command destroy_command{
    .name = "destroy",
    .summary = "Tear down a domain's cluster",
    .usage = "[DOMAIN] [--remote] [--dry-run]",
    .about = "Tear down the cluster of a domain with its kind's driver, after deregistering it from kubehz\n"
             "(spec.kubehz.access registered or managed; needs KUBEHZ_TOKEN). Shared registry mirrors stay.",
    .flags = lifecycle_flags,
    .run = destroy,
    .words = cli::Words::Domain,
};

const cli::Command status_command{
    .name = "status",
    .summary = "Print a domain's cluster status",
    .usage = "[DOMAIN] [--remote]",
    .about = "Print the cluster status of a domain (Lo: Running or NotFound; Capi: the Cluster's phase\n"
             "or NotFound; KubeOne: Ready, NotReady or NotFound); a deployment domain reports the\n"
             "cluster of its clusterRef.",
    .flags = status_flags,
    .run = status,
    .words = cli::Words::Domain,
};

const cli::Command kubeconfig_command{
    .name = "kubeconfig",
    .summary = "Print the path of a domain's kubeconfig",
    .usage = "[DOMAIN]",
    .about = "Print the path of the kubeconfig of a domain's cluster (written if needed).",
    .flags = cli::domain_flag,
    .run = kubeconfig,
    .words = cli::Words::Domain,
};

const cli::Command up_command{
    .name = "up",
    .summary = "Provision, bootstrap and start Tilt: the one-shot dev flow",
    .usage = "[DOMAIN] [--remote] [--dry-run] [--skip-bootstrap]",
    .about = "The one-shot dev flow: provision the cluster, bootstrap it, then start Tilt for the domain\n"
             "in the background (kubectl lo tilt up; a running one reloads its Tiltfile instead).",
    .flags = provision_flags,
    .run = up,
    .words = cli::Words::Domain,
};

const cli::Command down_command{
    .name = "down",
    .summary = "Stop Tilt and delete the cluster (shared registries stay)",
    .usage = "[DOMAIN] [--remote] [--dry-run]",
    .about = "Stop Tilt, delete the cluster, keep the shared registry mirrors.",
    .flags = lifecycle_flags,
    .run = down,
    .words = cli::Words::Domain,
};

}  // namespace lo::cmd
