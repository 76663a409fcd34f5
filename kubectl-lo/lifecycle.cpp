// kubectl lo provision | destroy | status | kubeconfig | up | down [DOMAIN]
// Validation of the whole spec happens before any driver runs.
#include <iostream>

#include "bootstrap/bootstrap.hpp"
#include "commands.hpp"
#include "driver.hpp"
#include "lo/cli.hpp"
#include "lo/defaults.hpp"
#include "lo/duration.hpp"
#include "lo/exec.hpp"
#include "lo/fs.hpp"
#include "lo/log.hpp"
#include "tilt_cmd.hpp"

namespace lo::cmd {
namespace fs = std::filesystem;
using driver::Context;

namespace {

std::vector<Flag> flags_for(bool dry_run, bool bootstrap) {
  auto f = common_flags() + domain_flags();
  if (dry_run) {
    f.push_back({"dry-run", 0, false, "", "print the exact ordered plan and change nothing"});
    f.push_back({"force", 'f', false, "", "passed to drivers as LOK8S_FORCE=1"});
    f.push_back({"timeout", 0, true, "DURATION", "how long a production driver waits for its cluster (Capi: 15m)"});
  }
  if (bootstrap) f.push_back({"skip-bootstrap", 0, false, "", "do not apply spec.bootstrap (run 'kubectl lo bootstrap' later)"});
  return f;
}

// Parses, loads and validates; prints help and returns nullopt for -h.
std::optional<Context> context(const Argv& args, bool dry_run_flag, const std::string& usage, const std::string& about,
                               bool* skip_bootstrap = nullptr) {
  auto flags = flags_for(dry_run_flag, skip_bootstrap != nullptr);
  Args a(flags, args);
  if (skip_bootstrap) *skip_bootstrap = a.has("skip-bootstrap");
  if (a.has("help")) {
    std::cout << about << "\n\nUsage:\n  " << usage << "\n\nFlags:\n" << format_flags(flags);
    return std::nullopt;
  }
  Context c;  // (an aggregate initializer here makes g++ 12 warn -Wmaybe-uninitialized)
  c.ws = find_workspace(a.get("root"));
  c.dry_run = a.has("dry-run");
  c.force = a.has("force");
  c.verbosity = verbosity(a);
  if (auto t = a.get("timeout")) {
    c.timeout = parse_duration(*t);
    if (!c.timeout) throw UsageError("--timeout: '" + *t + "' is not a duration", "e.g. 90s, 10m, 1m30s");
  }
  log::set_verbosity(c.verbosity);
  auto choice = choose_domain(c.ws, a.get("domain"), a.positionals(), false);
  c.domain = load_domain(c.ws, choice.domain);
  for (const auto& w : c.domain.spec.warnings) log::problem("kubectl lo", w);
  if (c.domain.spec.kind == SpecKind::Lo) effective_spec(c.domain.spec);  // every spec error before any action
  return c;
}

// The cluster domain behind a domain: itself, or a Deploy domain's clusterRef.
Context cluster_of(Context c) {
  if (c.domain.spec.kind != SpecKind::Deploy) return c;
  const std::string ref = *c.domain.spec.clusterRefDomain;
  c.domain = load_domain(c.ws, ref);
  if (c.domain.spec.kind == SpecKind::Deploy) throw Error("clusterRef '" + ref + "' is itself a deployment domain");
  return c;
}

// Provision, post_provision, bootstrap.
void provision_flow(const Context& c, bool skip_bootstrap) {
  auto d = driver::driver_for(c);
  log::note("provisioning " + c.domain.ref.name + " (" + c.domain.spec.kindText + ") with driver " + d->name());
  int rc = d->provision(c);
  if (rc == driver::kProvisionHandledAll) {
    log::note("driver handled the whole lifecycle (exit 100); skipping post-provision and bootstrap");
    return;
  }
  if (!c.dry_run) d->post_provision(c);
  const std::string& name = c.domain.ref.name;
  if (skip_bootstrap) {
    log::note("bootstrap skipped (--skip-bootstrap): run 'kubectl lo bootstrap " + name + "' to apply spec.bootstrap");
    return;
  }
  bootstrap::Options o;
  o.root = c.ws.root.string();
  o.domain = name;
  o.verbosity = c.verbosity;
  o.plan_only = c.dry_run;  // the plan only: rendering may need the network
  if (!c.dry_run) o.kubeconfig = d->kubeconfig(c);
  try {
    bootstrap::run(o);
  } catch (const Error& e) {
    std::vector<Problem> problems = e.problems();
    problems.push_back(Problem{Severity::Error, {},
                               "provision of " + name + ": the cluster is up and stays, but its bootstrap did not finish",
                               "fix the bootstrap and run 'kubectl lo bootstrap " + name +
                                   "', or set spec.bootstrap explicitly (bootstrap: [] for none); "
                                   "'kubectl lo provision --skip-bootstrap' provisions without it"});
    throw Error(std::move(problems));
  }
}

}  // namespace

int provision(const Argv& args) {
  bool skip = false;
  auto c = context(args, true, "kubectl lo provision [DOMAIN] [--dry-run] [--skip-bootstrap]",
                   "Create the cluster of a domain with its kind's driver, then run post-provision and apply\n"
                   "spec.bootstrap (kubectl lo bootstrap), unless the driver handled everything (exit 100).",
                   &skip);
  if (!c) return kExitOk;
  provision_flow(*c, skip);
  return kExitOk;
}

int destroy(const Argv& args) {
  auto c = context(args, true, "kubectl lo destroy [DOMAIN] [--dry-run]",
                   "Tear down the cluster of a domain with its kind's driver. Shared registry mirrors stay.");
  if (!c) return kExitOk;
  driver::driver_for(*c)->destroy(*c);
  return kExitOk;
}

int status(const Argv& args) {
  auto c = context(args, false, "kubectl lo status [DOMAIN]",
                   "Print the cluster status of a domain (Lo: Running or NotFound); a deployment domain\n"
                   "reports the cluster of its clusterRef.");
  if (!c) return kExitOk;
  Context cl = cluster_of(*c);
  std::cout << driver::driver_for(cl)->status(cl) << "\n";
  return kExitOk;
}

int kubeconfig(const Argv& args) {
  auto c = context(args, false, "kubectl lo kubeconfig [DOMAIN]",
                   "Print the path of the kubeconfig of a domain's cluster (written if needed).");
  if (!c) return kExitOk;
  Context cl = cluster_of(*c);
  std::cout << driver::driver_for(cl)->kubeconfig(cl) << "\n";
  return kExitOk;
}

int up(const Argv& args) {
  bool skip = false;
  auto c = context(args, true, "kubectl lo up [DOMAIN] [--dry-run] [--skip-bootstrap]",
                   "The one-shot dev flow: provision the cluster, bootstrap it, then start Tilt for the domain\n"
                   "in the background (kubectl lo tilt up; a running one reloads its Tiltfile instead).",
                   &skip);
  if (!c) return kExitOk;
  provision_flow(*c, skip);
  tilt::Launch l = tilt_launch(c->ws, c->domain.ref.name, std::nullopt);
  if (!find_program("tilt")) {  // the plan stops where the run would
    log::note(std::string(c->dry_run ? "the cluster would be up." : "the cluster is up.") + " Tilt is not installed, so the live dev loop was not started:");
    log::note("  install it (https://docs.tilt.dev/install.html), then run 'kubectl lo tilt up " + c->domain.ref.name + "'");
    return kExitOk;
  }
  return tilt_up_or_attach(l, c->dry_run);
}

int down(const Argv& args) {
  auto c = context(args, true, "kubectl lo down [DOMAIN] [--dry-run]",
                   "Stop Tilt, delete the cluster, keep the shared registry mirrors.");
  if (!c) return kExitOk;
  if (auto t = tilt::running(c->ws, c->domain.ref.name)) {
    if (c->dry_run) std::cout << "stop: tilt (pid " << t->pid << ")\n";
    else if (tilt::stop(c->ws, c->domain.ref.name)) log::note("stopped tilt (pid " + std::to_string(t->pid) + ")");
  }
  driver::driver_for(*c)->destroy(*c);
  return kExitOk;
}

}  // namespace lo::cmd
