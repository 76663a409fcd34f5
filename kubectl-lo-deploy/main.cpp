// kubectl lo deploy [DOMAIN] [TARGET...]: flags in, DeployOptions out.
#include "deploy.hpp"
#include "lo/cli.hpp"

namespace {

namespace cli = lo::cli;

void flags(cli::Options& o) {
  o.add_options()
      ("domain", cli::text("DOMAIN", cli::Complete::Domain), "domain to deploy (default: first word if it names a domain, else the active one)")
      ("filter", cli::text("KEY=VALUE")->repeatable(), "only objects labelled lok8s.dev/KEY=VALUE (repeatable; all must match)")
      ("image", cli::text("NAME=REF")->repeatable(), "run image REF in containers whose image is NAME (any tag or digest; repeatable)")
      ("dry-run", cli::choice("server", {"server", "none"})->hint("use --dry-run=server (a client-side dry run cannot know what server-side apply would do)"),
       "server: let the API server check everything and report what would change")
      ("force-conflicts", cli::boolean(), "take over fields other managers own instead of failing");
  cli::output_flag(o, {"yaml", "json"}, "yaml or json: print the applied objects as the server returned them");
  o.add_options()
      ("timeout", cli::duration(false), "how long to wait for CRDs and workloads (default 120s)")
      ("wait", cli::boolean(), "wait for the target's workloads to become healthy (default true; --wait=false skips)")
      ("concurrency", cli::number("N", 1, 256), "requests in flight at once (default 16)");
  cli::cluster_flags(o);
}

int run(const cli::Args& args) {
  lo::deploy::DeployOptions o;
  o.root = args.get("root");
  o.domain = args.get("domain");
  o.positionals = args.positionals();
  o.kubeconfig = args.get("kubeconfig");
  o.context = args.get("context");
  o.namespace_ = args.get("namespace");
  o.dry_run = args.get("dry-run") == "server";
  o.force_conflicts = args.has("force-conflicts");
  o.output = args.output("");
  o.wait = args.flag("wait", true);
  if (auto t = args.get_duration("timeout")) o.timeout = *t;
  if (auto c = args.get_number("concurrency")) o.concurrency = static_cast<size_t>(*c);
  o.verbosity = args.verbosity();
  for (const auto& f : args.all("filter")) o.filters.push_back(lo::deploy::parse_filter(f));  // usage errors before any work
  for (const auto& i : args.all("image")) o.images.push_back(lo::deploy::parse_image(i));
  return lo::deploy::run_deploy(o);
}

const cli::Command kDeploy{
    .name = "deploy",
    .summary = "Apply artifacts to the cluster in phases and wait until healthy",
    .usage = "[DOMAIN] [TARGET...] [flags]",
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
             "\n"
             "Fields owned by another manager (helm, kubectl, a controller) are a conflict\n"
             "that names them; lo takes them over only with --force-conflicts.\n"
             "\n"
             "Cluster: --kubeconfig/--context, else <root>/.kubeconfig/<metadata.name>.yaml\n"
             "of the domain (a Deploy domain uses the one of its spec.clusterRef.domain),\n"
             "else $KUBECONFIG or ~/.kube/config. Namespaced objects that name no\n"
             "namespace go to -n, else a Deploy domain's spec.namespace, else the\n"
             "context's namespace, else \"default\".",
    .flags = flags,
    .run = run,
    .words = cli::Words::DomainAndTargets,
    .examples = "  kubectl lo deploy                          # every target of the active domain\n"
                "  kubectl lo deploy example.com web          # one target of example.com\n"
                "  kubectl lo deploy --filter type=system     # objects labelled lok8s.dev/type=system\n"
                "  kubectl lo deploy --dry-run=server         # what would change, nothing persisted\n"
                "  kubectl lo deploy web -o yaml              # the applied objects (for Tilt)\n"
                "  kubectl lo deploy --image lok8s.local/api=ghcr.io/acme/api:1.2.3",
};

}  // namespace

int main(int argc, char** argv) { return cli::main(kDeploy, "kubectl lo deploy", "kubectl-lo-deploy", argc, argv); }
