// kubectl lo deploy [DOMAIN] [TARGET...]: flags in, DeployOptions out.
// Run as kubectl-lo-diff (kubectl-lo dispatches `diff` under that name)
// it is kubectl lo diff.
#include <algorithm>
#include <filesystem>
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

  4. Pruning: every object a deploy applies carries the label
     applyset.kubernetes.io/part-of of the target's ApplySet (KEP-3659; the
     parent is the Secret lo.<domain>.<target> in the default namespace, or
     a cluster-scoped ApplySet of that name when the target has no object
     there). Members the target no longer contains are deleted with --prune,
     after the apply and before the wait, in reverse dependency order
     (workloads before their ConfigMaps, namespaced objects before their
     Namespace, custom resources before their CRDs), propagation policy
     Background. Without --prune a notice names them; pruning becomes the
     default in a later release. The annotation lok8s.dev/prune: disabled
     keeps an object; objects without the label are never touched.

--delete TARGET... deletes every member of those targets' sets and the
parents (the artifacts are not needed). kubectl lo diff shows what a
deploy would change, deletions included.

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
  kubectl lo deploy --prune                  # and delete what the targets no longer hold
  kubectl lo deploy --delete web             # remove target web from the cluster

Flags:
)";

// The flags deploy and diff share: which objects, how many requests at once.
std::vector<lo::Flag> shared_flags(const std::string& verb) {
  return {
      {"domain", 0, true, "DOMAIN", "domain to " + verb + " (default: first word if it names a domain, else the active one)"},
      {"filter", 0, true, "KEY=VALUE", "only objects labelled lok8s.dev/KEY=VALUE (repeatable; all must match)", true},
      {"image", 0, true, "NAME=REF", "run image REF in containers whose image is NAME (any tag or digest; repeatable)", true},
      {"concurrency", 0, true, "N", "requests in flight at once (default 16)"},
  };
}

std::vector<lo::Flag> flags() {
  std::vector<lo::Flag> own = {
      {"dry-run", 0, true, "server", "server: let the API server check everything and report what would change"},
      {"force-conflicts", 0, false, "", "take over fields other managers own instead of failing"},
      {"output", 'o', true, "FORMAT", "yaml or json: print the applied objects as the server returned them"},
      {"timeout", 0, true, "DURATION", "how long to wait for CRDs and workloads (default 120s)"},
      {"wait", 0, false, "", "wait for the target's workloads to become healthy (default true; --wait=false skips)"},
      {"prune", 0, false, "", "delete members of the targets' ApplySets they no longer contain (--prune=false: keep, no notice)"},
      {"delete", 0, false, "", "delete the named targets from the cluster: every member of their ApplySets and the parents"},
  };
  return shared_flags("deploy") + own + lo::cluster_flags() + lo::common_flags();
}

const char* kDiffUsage = R"(Show what kubectl lo deploy --prune would change, persisting nothing: a
server-side dry run (field manager "lo") of every object compared with the
live one, as one unified diff per object, managedFields, resourceVersion,
generation, uid, timestamps and status left out, Secret values masked
("***"). Objects the targets no longer contain (members of their ApplySets)
are shown as deletions. The lists and a summary go to stderr.

Exit status: 0 nothing would change, 1 something would, 2 an error.

Usage:
  kubectl lo diff [DOMAIN] [TARGET...] [flags]

Examples:
  kubectl lo diff                        # every target of the active domain
  kubectl lo diff example.com web        # one target
  kubectl lo diff -o json                # for machines

Flags:
)";

std::vector<lo::Flag> diff_flags() {
  std::vector<lo::Flag> own = {
      {"force-conflicts", 0, false, "", "diff as if deploying with --force-conflicts"},
      {"output", 'o', true, "FORMAT", "json: one document with every object's action and diff"},
  };
  return shared_flags("diff") + own + lo::cluster_flags() + lo::common_flags();
}

// The last spelling of a boolean flag (Args drops --flag=false).
std::optional<bool> last_bool(const std::vector<std::string>& argv, const std::string& name) {
  std::optional<bool> v;
  for (const auto& a : argv) {
    if (a == "--") break;
    if (a == "--" + name || a == "--" + name + "=true") v = true;
    else if (a == "--" + name + "=false") v = false;
  }
  return v;
}

std::optional<size_t> concurrency(const lo::Args& args) {
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
    return static_cast<size_t>(n);
  }
  return std::nullopt;
}

// What deploy and diff read alike.
lo::deploy::DeployOptions shared(const lo::Args& args) {
  lo::deploy::DeployOptions o;
  o.root = args.get("root");
  o.domain = args.get("domain");
  o.positionals = args.positionals();
  o.kubeconfig = args.get("kubeconfig");
  o.context = args.get("context");
  o.namespace_ = args.get("namespace");
  o.force_conflicts = args.has("force-conflicts");
  o.concurrency = concurrency(args).value_or(o.concurrency);
  o.verbosity = lo::verbosity(args);
  return o;
}

// Usage errors of the shared flags, after --help had its say.
void parse_lists(const lo::Args& args, lo::deploy::DeployOptions& o) {
  for (const auto& f : args.all("filter")) o.filters.push_back(lo::deploy::parse_filter(f));
  for (const auto& i : args.all("image")) o.images.push_back(lo::deploy::parse_image(i));
}

lo::deploy::DeployOptions parse(const std::vector<std::string>& argv) {
  lo::Args args(flags(), argv);
  lo::deploy::DeployOptions o = shared(args);
  if (auto d = args.get("dry-run")) {
    if (*d == "server") o.dry_run = true;
    else if (*d != "none")
      throw lo::UsageError("--dry-run=" + *d + " is not supported",
                           "use --dry-run=server (a client-side dry run cannot know what server-side apply would do)");
  }
  o.output = lo::output_format(args, {"yaml", "json"}, "");
  o.wait = last_bool(argv, "wait").value_or(true);
  o.prune = last_bool(argv, "prune");
  o.delete_targets = last_bool(argv, "delete").value_or(false);
  if (o.delete_targets && (o.prune || !o.output.empty() || !args.all("filter").empty() || !args.all("image").empty()))
    throw lo::UsageError("--delete takes no --prune, --output, --filter or --image", "kubectl lo deploy --delete TARGET...");
  if (auto t = args.get("timeout")) {
    auto d = lo::parse_duration(*t);
    if (!d || d->count() <= 0)
      throw lo::UsageError("invalid --timeout '" + *t + "'", "give a positive duration such as 120s, 5m or 1m30s");
    o.timeout = *d;
  }
  if (args.has("help")) {
    std::cout << kUsage << lo::format_flags(flags());
    std::exit(0);
  }
  parse_lists(args, o);  // usage errors before any work
  return o;
}

lo::deploy::DeployOptions parse_diff(const std::vector<std::string>& argv) {
  lo::Args args(diff_flags(), argv);
  lo::deploy::DeployOptions o = shared(args);
  o.dry_run = true;
  o.output = lo::output_format(args, {"json"}, "");
  if (args.has("help")) {
    std::cout << kDiffUsage << lo::format_flags(diff_flags());
    std::exit(0);
  }
  parse_lists(args, o);
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> words(argv + 1, argv + argc);
  if (argc > 0 && std::filesystem::path(argv[0]).filename() == "kubectl-lo-diff") {
    bool answered = false;
    int rc = lo::guarded_main("kubectl lo diff", [&] {
      auto options = parse_diff(words);
      lo::log::set_verbosity(options.verbosity);
      int r = lo::deploy::run_diff(options);
      answered = true;
      return r;
    });
    return answered ? rc : std::max(rc, 2);  // like kubectl diff: 1 means "differences", errors are > 1
  }
  return lo::guarded_main("kubectl lo deploy", [&] {
    auto options = parse(words);
    lo::log::set_verbosity(options.verbosity);
    return options.delete_targets ? lo::deploy::run_delete(options) : lo::deploy::run_deploy(options);
  });
}
