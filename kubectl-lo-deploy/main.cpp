// kubectl lo deploy [DOMAIN] [TARGET...]: flags in, DeployOptions out.
#include <iostream>

#include "deploy.hpp"
#include "lo/cli.hpp"
#include "lo/duration.hpp"
#include "lo/log.hpp"

namespace {

const char* kUsage = R"(Apply the built artifacts of a domain's targets to its cluster, in phases,
over the Kubernetes API (server-side apply, field manager "lo").

Usage:
  kubectl lo deploy [DOMAIN] [TARGET...] [flags]

DOMAIN is the first word when clusters/<it>/ holds a spec (or --domain);
else the active domain. TARGETs default to every target of the domain, in
alphabetical order. Each target reads clusters/<domain>/artifacts/<target>/
(artifacts.yaml, or the files a --split build listed in kustomization.yaml).

Per target:
  1. CustomResourceDefinitions are applied, then awaited (Established and
     NamesAccepted, by watch) before anything that may use them.
  2. Namespaces, then every other object, in parallel; webhook
     configurations and APIServices last.
  3. The target's own Deployments, StatefulSets, DaemonSets and Jobs are
     awaited until healthy (--timeout), by watch. Only what the target
     applied is awaited, not every Deployment of the cluster: one broken app
     elsewhere does not block this deploy. A timeout or a failed rollout is
     an error naming each object and its last condition message (exit 1).

Fields owned by another manager (helm, kubectl, a controller) are a conflict
that names them; lo takes them over only with --force-conflicts.

Cluster: --kubeconfig/--context, else <root>/.kubeconfig/<metadata.name>.yaml
of the domain (a Deploy domain uses the one of its spec.clusterRef.domain),
else $KUBECONFIG or ~/.kube/config. Namespaced objects that name no
namespace go to -n, else a Deploy domain's spec.namespace, else the
context's namespace, else "default".

Examples:
  kubectl lo deploy                          # every target of the active domain
  kubectl lo deploy example.com web          # one target of example.com
  kubectl lo deploy --filter type=system     # objects labelled lok8s.dev/type=system
  kubectl lo deploy --dry-run=server         # what would change, nothing persisted
  kubectl lo deploy web -o yaml              # the applied objects (for Tilt)
  kubectl lo deploy --image lok8s.local/api=ghcr.io/acme/api:1.2.3

Flags:
)";

std::vector<lo::Flag> flags() {
  std::vector<lo::Flag> own = {
      {"domain", 0, true, "DOMAIN", "domain to deploy (default: first word if it names a domain, else the active one)"},
      {"filter", 0, true, "KEY=VALUE", "only objects labelled lok8s.dev/KEY=VALUE (repeatable; all must match)", true},
      {"image", 0, true, "NAME=REF", "run image REF in containers whose image is NAME (any tag or digest; repeatable)", true},
      {"dry-run", 0, true, "server", "server: let the API server check everything and report what would change"},
      {"force-conflicts", 0, false, "", "take over fields other managers own instead of failing"},
      {"output", 'o', true, "FORMAT", "yaml or json: print the applied objects as the server returned them"},
      {"timeout", 0, true, "DURATION", "how long to wait for CRDs and workloads (default 120s)"},
      {"wait", 0, false, "", "wait for the target's workloads to become healthy (default true; --wait=false skips)"},
      {"concurrency", 0, true, "N", "requests in flight at once (default 16)"},
  };
  return own + lo::cluster_flags() + lo::common_flags();
}

lo::deploy::DeployOptions parse(const std::vector<std::string>& argv) {
  lo::Args args(flags(), argv);
  lo::deploy::DeployOptions o;
  o.root = args.get("root");
  o.domain = args.get("domain");
  o.positionals = args.positionals();
  o.kubeconfig = args.get("kubeconfig");
  o.context = args.get("context");
  o.namespace_ = args.get("namespace");
  if (auto d = args.get("dry-run")) {
    if (*d == "server") o.dry_run = true;
    else if (*d != "none")
      throw lo::UsageError("--dry-run=" + *d + " is not supported",
                           "use --dry-run=server (a client-side dry run cannot know what server-side apply would do)");
  }
  o.force_conflicts = args.has("force-conflicts");
  o.output = lo::output_format(args, {"yaml", "json"}, "");
  // Args drops a boolean given as --wait=false; the last spelling decides.
  for (const auto& a : argv) {
    if (a == "--") break;
    if (a == "--wait=false") o.wait = false;
    else if (a == "--wait" || a == "--wait=true") o.wait = true;
  }
  if (auto t = args.get("timeout")) {
    auto d = lo::parse_duration(*t);
    if (!d || d->count() <= 0)
      throw lo::UsageError("invalid --timeout '" + *t + "'", "give a positive duration such as 120s, 5m or 1m30s");
    o.timeout = *d;
  }
  if (auto c = args.get("concurrency")) {
    size_t used = 0;
    long n = 0;
    try {
      n = std::stol(*c, &used);
    } catch (...) {
      used = 0;
    }
    if (used != c->size() || n < 1 || n > 256)
      throw lo::UsageError("invalid --concurrency '" + *c + "'", "give a number from 1 to 256");
    o.concurrency = static_cast<size_t>(n);
  }
  o.verbosity = lo::verbosity(args);
  if (args.has("help")) {
    std::cout << kUsage << lo::format_flags(flags());
    std::exit(0);
  }
  for (const auto& f : args.all("filter")) o.filters.push_back(lo::deploy::parse_filter(f));  // usage errors before any work
  for (const auto& i : args.all("image")) o.images.push_back(lo::deploy::parse_image(i));
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  return lo::guarded_main("kubectl lo deploy", [&] {
    std::vector<std::string> words(argv + 1, argv + argc);
    auto options = parse(words);
    lo::log::set_verbosity(options.verbosity);
    return lo::deploy::run_deploy(options);
  });
}
