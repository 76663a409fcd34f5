// kubectl-lo-build: `kubectl lo build [DOMAIN] [TARGET...]` and
// `kubectl lo build --split-file FILE --out DIR`. Argument parsing only; the
// work is in build.cpp.
#include "kubectl-lo-build/build.hpp"
#include "lo/cli.hpp"
#include "lo/error.hpp"

namespace {

namespace cli = lo::cli;

void flags(cli::Options& o) {
  cli::domain_flag(o);
  cli::kubeconfig_flags(o);
  o.add_options()
      ("split", cli::boolean(), "write one file per resource (<Kind>.<namespace>.<name>.yaml) instead of artifacts.yaml")
      ("split-file", cli::text("FILE", cli::Complete::File), "split an existing multi-document YAML file (- for stdin) into --out")
      ("out", cli::text("DIR", cli::Complete::Folder), "output folder for --split-file")
      ("stdout", cli::boolean(), "print the built YAML of the targets and write nothing (for Tilt)")
      ("jobs,j", cli::number("N", 1, 1024), "targets built at once (default: the number of cores)")
      ("force,f", cli::boolean(), "rebuild targets even when nothing they read has changed")
      ("timeout", cli::duration(true), "stop a kustomize run that takes longer and fail its target (default 10m; 0: no limit)");
  cli::output_flag(o, {"json"}, "json: print a machine-readable summary on stdout");
}

int run(const cli::Args& args) {
  bool json = args.output("") == "json";
  if (auto file = args.get("split-file")) {
    auto out = args.get("out");
    if (!out || out->empty()) throw lo::UsageError("--split-file needs --out DIR", "name the folder to write into");
    if (!args.positionals().empty())
      throw lo::UsageError("--split-file takes no DOMAIN or TARGET arguments, got '" + args.positionals().front() + "'");
    for (const char* f : {"split", "stdout", "force", "domain", "jobs", "kubeconfig", "context", "timeout"})
      if (args.has(f)) throw lo::UsageError(std::string("--") + f + " cannot be combined with --split-file");
    return lo::build::run_split_file({*file, *out, json});
  }
  if (args.has("out")) throw lo::UsageError("--out only goes with --split-file");
  if (args.has("stdout") && (args.has("split") || json))
    throw lo::UsageError(std::string("--stdout cannot be combined with ") + (json ? "-o json" : "--split"));

  lo::build::BuildOptions o;
  o.root = args.get("root");
  o.domain = args.get("domain");
  o.positionals = args.positionals();
  o.split = args.has("split");
  o.to_stdout = args.has("stdout");
  o.force = args.has("force");
  o.json = json;
  o.verbosity = args.verbosity();
  if (auto j = args.get_number("jobs")) o.jobs = static_cast<unsigned>(*j);
  o.kubeconfig = args.get("kubeconfig");
  o.context = args.get("context");
  if (auto t = args.get_duration("timeout")) o.timeout = *t;
  return lo::build::run_build(o);
}

const cli::Command kBuild{
    .name = "build",
    .summary = "Build kustomize targets into artifacts",
    .usage = "[DOMAIN] [TARGET...] [flags]\n--split-file FILE --out DIR",
    .about = "Build kustomize targets into artifacts.\n\n"
             "Each folder under clusters/<domain>/targets/ is built with kustomize (alpha plugins on,\n"
             "helm when a helm binary exists); ${LOK8S_SPEC_*} and ${LOK8S_USER_*} are substituted and the\n"
             "result written to clusters/<domain>/artifacts/<target>/. Targets build in parallel and a\n"
             "target whose inputs did not change is not rebuilt. clusters/<domain>/artifacts/\n"
             "kustomization.yaml lists every target, so 'kubectl kustomize' on that folder yields the domain.",
    .flags = flags,
    .run = run,
    .words = cli::Words::DomainAndTargets,
    .examples = "  kubectl lo build                       # every target of the active domain\n"
                "  kubectl lo build example.com web api   # two targets of example.com\n"
                "  kubectl lo build --split               # one file per resource\n"
                "  kubectl lo build web --stdout          # print web's YAML (what Tilt runs)\n"
                "  kubectl lo build --split-file all.yaml --out manifests/",
    .details = "Details:\n"
               "  Variables  ${NAME} and $NAME are replaced for LOK8S_SPEC_* names (from the domain's effective\n"
               "             spec; a Deploy domain uses its clusterRef's) and LOK8S_USER_* names (from the\n"
               "             environment). The spec wins over an exported LOK8S_SPEC_* of the same name; the\n"
               "             environment only adds LOK8S_SPEC_* names the spec lacks. Unset names and every\n"
               "             other $ text stay as written.\n"
               "  API        LOK8S_USER_API_HOST and LOK8S_USER_API_PORT, unless exported, come from the server\n"
               "             of the context's cluster in the kubeconfig 'kubectl lo deploy' uses: --kubeconfig/\n"
               "             --context, else <root>/.kubeconfig/<metadata.name>.yaml of the domain (a Deploy\n"
               "             domain: of its clusterRef), else $KUBECONFIG or ~/.kube/config. HOST is the URL's\n"
               "             host, an IPv6 address without brackets (a URL written around it must add them);\n"
               "             PORT the URL's port, else 443 (https) or 80 (http). No kubeconfig or no current\n"
               "             context: both stay unset (-v says why); a malformed kubeconfig fails the targets\n"
               "             that use them. It is read only for targets that use them or run plugins (whose\n"
               "             kustomize gets both in its environment); a changed server rebuilds those targets.\n"
               "  Cache      clusters/<domain>/artifacts/.cache/ (safe to delete). A target rebuilds when a\n"
               "             file its kustomization reaches, a variable its output uses, lo, kustomize or the\n"
               "             mode changed, or its artifacts were touched; remote bases and exec/KRM plugins\n"
               "             always rebuild.\n"
               "  --split    Names that would clash get the API group (<Kind>.<group>.<ns>.<name>.yaml), then\n"
               "             .2, .3 in document order. Files of an earlier build that are gone are removed.\n"
               "  Folders    A failed target keeps its last artifacts. A full build removes the artifacts of\n"
               "             targets that no longer exist; a build of named targets leaves them.\n"
               "  --timeout  Per kustomize run (a remote base without network, a plugin waiting for input):\n"
               "             on expiry kustomize and everything it started are killed and the target fails\n"
               "             with \"kustomize did not finish within <duration>\". Durations: 90s, 10m, 1m30s, 1h.\n"
               "  Exit       0 ok, 1 a target failed, 2 usage error, 130 interrupted (Ctrl-C).\n",
};

}  // namespace

int main(int argc, char** argv) { return cli::main(kBuild, "kubectl lo build", "kubectl-lo-build", argc, argv); }
