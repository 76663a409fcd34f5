// kubectl-lo-build: `kubectl lo build [DOMAIN] [TARGET...]` and
// `kubectl lo build --split-file FILE --out DIR`. Argument parsing only; the
// work is in build.cpp.
#include <iostream>
#include <thread>

#include "kubectl-lo-build/build.hpp"
#include "lo/cli.hpp"
#include "lo/duration.hpp"
#include "lo/error.hpp"
#include "lo/log.hpp"

namespace {

std::vector<lo::Flag> flags() {
  return lo::common_flags() + lo::domain_flags() + lo::kubeconfig_flags() +
         std::vector<lo::Flag>{
             {"split", 0, false, "", "write one file per resource (<Kind>.<namespace>.<name>.yaml) instead of artifacts.yaml"},
             {"split-file", 0, true, "FILE", "split an existing multi-document YAML file (- for stdin) into --out"},
             {"out", 0, true, "DIR", "output folder for --split-file"},
             {"stdout", 0, false, "", "print the built YAML of the targets and write nothing (for Tilt)"},
             {"jobs", 'j', true, "N", "targets built at once (default: the number of cores)"},
             {"force", 'f', false, "", "rebuild targets even when nothing they read has changed"},
             {"timeout", 0, true, "DURATION", "stop a kustomize run that takes longer and fail its target (default 10m; 0: no limit)"},
             {"output", 'o', true, "FORMAT", "json: print a machine-readable summary on stdout"},
         };
}

void usage(std::ostream& out) {
  out << "Build kustomize targets into artifacts.\n\n"
         "Usage:\n"
         "  kubectl lo build [DOMAIN] [TARGET...] [flags]\n"
         "  kubectl lo build --split-file FILE --out DIR\n\n"
         "Each folder under clusters/<domain>/targets/ is built with kustomize (alpha plugins on,\n"
         "helm when a helm binary exists); ${LOK8S_SPEC_*} and ${LOK8S_USER_*} are substituted and the\n"
         "result written to clusters/<domain>/artifacts/<target>/. Targets build in parallel and a\n"
         "target whose inputs did not change is not rebuilt. clusters/<domain>/artifacts/\n"
         "kustomization.yaml lists every target, so 'kubectl kustomize' on that folder yields the domain.\n\n"
         "Examples:\n"
         "  kubectl lo build                       # every target of the active domain\n"
         "  kubectl lo build example.com web api   # two targets of example.com\n"
         "  kubectl lo build --split               # one file per resource\n"
         "  kubectl lo build web --stdout          # print web's YAML (what Tilt runs)\n"
         "  kubectl lo build --split-file all.yaml --out manifests/\n\n"
         "Flags:\n"
      << lo::format_flags(flags())
      << "\nDetails:\n"
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
         "  Exit       0 ok, 1 a target failed, 2 usage error, 130 interrupted (Ctrl-C).\n";
}

unsigned parse_jobs(const std::string& v) {
  try {
    size_t used = 0;
    long n = std::stol(v, &used);
    if (used == v.size() && n >= 1 && n <= 1024) return static_cast<unsigned>(n);
  } catch (...) {
  }
  throw lo::UsageError("invalid value '" + v + "' for --jobs", "give a number from 1 to 1024");
}

int run(const std::vector<std::string>& words) {
  lo::Args args(flags(), words);
  if (args.has("help")) {
    usage(std::cout);
    return lo::kExitOk;
  }
  lo::log::set_verbosity(lo::verbosity(args));
  bool json = lo::output_format(args, {"json"}, "") == "json";

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
  o.verbosity = lo::log::verbosity();
  if (auto j = args.get("jobs")) o.jobs = parse_jobs(*j);
  o.kubeconfig = args.get("kubeconfig");
  o.context = args.get("context");
  if (auto t = args.get("timeout")) {
    auto d = lo::parse_duration(*t);
    if (!d) throw lo::UsageError("invalid --timeout '" + *t + "'", "give a duration such as 90s, 10m or 1m30s, or 0 for no limit");
    o.timeout = *d;
  }
  return lo::build::run_build(o);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> words(argv + 1, argv + argc);
  return lo::guarded_main("kubectl lo build", [&] { return run(words); });
}
