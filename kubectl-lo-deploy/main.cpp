// kubectl lo deploy [DOMAIN] [TARGET...]: flags in, DeployOptions out.
// Run as kubectl-lo-diff (kubectl-lo dispatches `diff` under that name)
// it is kubectl lo diff.
#include <filesystem>

#include "deploy.hpp"
#include "lo/cli.hpp"
#include "lo/error.hpp"
#include "lo/log.hpp"

namespace {

namespace cli = lo::cli;

// The flags deploy and diff share: which objects, how many requests at once.
void shared_flags(cli::Options& o, const char* domain_help) {
  o.add_options()
      ("domain", cli::text("DOMAIN", cli::Complete::Domain), domain_help)
      ("filter", cli::text("KEY=VALUE")->repeatable(), "only objects labelled lok8s.dev/KEY=VALUE (repeatable; all must match)")
      ("image", cli::text("NAME=REF")->repeatable(), "run image REF in containers whose image is NAME (any tag or digest; repeatable)")
      ("concurrency", cli::number("N", 1, 256), "requests in flight at once (default 16)");
}

void deploy_flags(cli::Options& o) {
  shared_flags(o, "domain to deploy (default: first word if it names a domain, else the active one)");
  o.add_options()
      ("dry-run", cli::choice("server", {"server", "none"})->hint("use --dry-run=server (a client-side dry run cannot know what server-side apply would do)"),
       "server: let the API server check everything and report what would change")
      ("force-conflicts", cli::boolean(), "take over fields other managers own instead of failing");
  cli::output_flag(o, {"yaml", "json"}, "yaml or json: print the applied objects as the server returned them");
  o.add_options()
      ("timeout", cli::duration(false), "how long to wait for CRDs and workloads (default 120s)")
      ("wait", cli::boolean(), "wait for the target's workloads to become healthy (default true; --wait=false skips)")
      ("prune", cli::boolean(), "delete members of the targets' ApplySets they no longer contain (--prune=false: keep, no notice)")
      ("delete", cli::boolean(), "delete the named targets from the cluster: every member of their ApplySets and the parents");
  cli::cluster_flags(o);
}

void diff_flags(cli::Options& o) {
  shared_flags(o, "domain to diff (default: first word if it names a domain, else the active one)");
  o.add_options()("force-conflicts", cli::boolean(), "diff as if deploying with --force-conflicts");
  cli::output_flag(o, {"json"}, "json: one document with every object's action and diff");
  cli::cluster_flags(o);
}

// What deploy and diff read alike; usage errors of --filter and --image
// before any work.
lo::deploy::DeployOptions shared(const cli::Args& args) {
  lo::deploy::DeployOptions o;
  o.root = args.get("root");
  o.domain = args.get("domain");
  o.positionals = args.positionals();
  o.kubeconfig = args.get("kubeconfig");
  o.context = args.get("context");
  o.namespace_ = args.get("namespace");
  o.force_conflicts = args.has("force-conflicts");
  if (auto c = args.get_number("concurrency")) o.concurrency = static_cast<size_t>(*c);
  o.verbosity = args.verbosity();
  for (const auto& f : args.all("filter")) o.filters.push_back(lo::deploy::parse_filter(f));
  for (const auto& i : args.all("image")) o.images.push_back(lo::deploy::parse_image(i));
  return o;
}

int deploy(const cli::Args& args) {
  lo::deploy::DeployOptions o = shared(args);
  o.dry_run = args.get("dry-run") == "server";
  o.output = args.output("");
  o.wait = args.flag("wait", true);
  if (args.given("prune")) o.prune = args.flag("prune");
  o.delete_targets = args.flag("delete");
  if (o.delete_targets && (o.prune || !o.output.empty() || !o.filters.empty() || !o.images.empty()))
    throw lo::UsageError("--delete takes no --prune, --output, --filter or --image", "kubectl lo deploy --delete TARGET...");
  if (auto t = args.get_duration("timeout")) o.timeout = *t;
  return o.delete_targets ? lo::deploy::run_delete(o) : lo::deploy::run_deploy(o);
}

// Like kubectl diff: 1 means "differences", so every error exits 2 or more.
int diff(const cli::Args& args) {
  try {
    lo::deploy::DeployOptions o = shared(args);
    o.dry_run = true;
    o.output = args.output("");
    return lo::deploy::run_diff(o);
  } catch (const lo::Error& e) {
    if (e.exit_code() >= lo::kExitUsage) throw;
    for (const auto& p : e.problems()) lo::log::problem("kubectl lo diff", p);
    return lo::kExitUsage;
  } catch (const std::exception& e) {
    throw lo::Error(std::string("internal error: ") + e.what(), "please report this with the command you ran",
                    lo::kExitUsage);
  }
}

const cli::Command kDeploy{
    .name = "deploy",
    .summary = "Apply artifacts to the cluster in phases and wait until healthy",
    .usage = "[DOMAIN] [TARGET...] [flags]\n--delete [DOMAIN] TARGET... [flags]",
    .about = "Apply the built artifacts of a domain's targets to its cluster, in phases,\n"
             "over the Kubernetes API (server-side apply, field manager \"lo\").\n"
             "\n"
             "DOMAIN is the first word when clusters/<it>/ holds a spec (or --domain);\n"
             "else the active domain. TARGETs default to every target of the domain, in\n"
             "alphabetical order. Each target reads clusters/<domain>/artifacts/<target>/\n"
             "(artifacts.yaml, or the files a --split build listed in kustomization.yaml).\n"
             "\n"
             "Per target:\n"
             "  1. CustomResourceDefinitions are applied, then awaited (Established and\n"
             "     NamesAccepted, by watch) before anything that may use them.\n"
             "  2. Namespaces, then every other object, in parallel; webhook\n"
             "     configurations and APIServices last.\n"
             "  3. The target's own Deployments, StatefulSets, DaemonSets and Jobs are\n"
             "     awaited until healthy (--timeout), by watch. Only what the target\n"
             "     applied is awaited, not every Deployment of the cluster: one broken app\n"
             "     elsewhere does not block this deploy. A timeout or a failed rollout is\n"
             "     an error naming each object and its last condition message (exit 1).\n"
             "  4. Pruning: every object a deploy applies carries the label\n"
             "     applyset.kubernetes.io/part-of of the target's ApplySet (KEP-3659; the\n"
             "     parent is the Secret lo.<domain>.<target> in the default namespace, or\n"
             "     a cluster-scoped ApplySet of that name when the target has no object\n"
             "     there). Members the target no longer contains are deleted with --prune,\n"
             "     after the apply and before the wait, in reverse dependency order\n"
             "     (workloads before their ConfigMaps, namespaced objects before their\n"
             "     Namespace, custom resources before their CRDs), propagation policy\n"
             "     Background. Without --prune a notice names them; pruning becomes the\n"
             "     default in a later release. The annotation lok8s.dev/prune: disabled\n"
             "     keeps an object; objects without the label are never touched.\n"
             "\n"
             "--delete TARGET... deletes every member of those targets' sets and the\n"
             "parents (the artifacts are not needed). kubectl lo diff shows what a\n"
             "deploy would change, deletions included.\n"
             "\n"
             "Fields owned by another manager (helm, kubectl, a controller) are a conflict\n"
             "that names them; lo takes them over only with --force-conflicts.\n"
             "\n"
             "Cluster: --kubeconfig/--context, else <root>/.kubeconfig/<metadata.name>.yaml\n"
             "of the domain (a Deploy domain uses the one of its spec.clusterRef.domain),\n"
             "else $KUBECONFIG or ~/.kube/config. Namespaced objects that name no\n"
             "namespace go to -n, else a Deploy domain's spec.namespace, else the\n"
             "context's namespace, else \"default\".",
    .flags = deploy_flags,
    .run = deploy,
    .words = cli::Words::DomainAndTargets,
    .examples = "  kubectl lo deploy                          # every target of the active domain\n"
                "  kubectl lo deploy example.com web          # one target of example.com\n"
                "  kubectl lo deploy --filter type=system     # objects labelled lok8s.dev/type=system\n"
                "  kubectl lo deploy --dry-run=server         # what would change, nothing persisted\n"
                "  kubectl lo deploy web -o yaml              # the applied objects (for Tilt)\n"
                "  kubectl lo deploy --image lok8s.local/api=ghcr.io/acme/api:1.2.3\n"
                "  kubectl lo deploy --prune                  # and delete what the targets no longer hold\n"
                "  kubectl lo deploy --delete web             # remove target web from the cluster",
};

const cli::Command kDiff{
    .name = "diff",
    .summary = "Show what a deploy would change, prune included (server-side dry run)",
    .usage = "[DOMAIN] [TARGET...] [flags]",
    .about = "Show what kubectl lo deploy --prune would change, persisting nothing: a\n"
             "server-side dry run (field manager \"lo\") of every object compared with the\n"
             "live one, as one unified diff per object, managedFields, resourceVersion,\n"
             "generation, uid, timestamps and status left out, Secret values masked\n"
             "(\"***\"). Objects the targets no longer contain (members of their ApplySets)\n"
             "are shown as deletions. The lists and a summary go to stderr.\n"
             "\n"
             "Exit status: 0 nothing would change, 1 something would, 2 an error.",
    .flags = diff_flags,
    .run = diff,
    .words = cli::Words::DomainAndTargets,
    .examples = "  kubectl lo diff                        # every target of the active domain\n"
                "  kubectl lo diff example.com web        # one target\n"
                "  kubectl lo diff -o json                # for machines",
};

}  // namespace

int main(int argc, char** argv) {
  if (argc > 0 && std::filesystem::path(argv[0]).filename() == "kubectl-lo-diff")
    return cli::main(kDiff, "kubectl lo diff", "kubectl-lo-diff", argc, argv);
  return cli::main(kDeploy, "kubectl lo deploy", "kubectl-lo-deploy", argc, argv);
}
