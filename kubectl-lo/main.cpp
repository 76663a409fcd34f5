// kubectl-lo: the front door. `kubectl lo <command>` and `kubectl-lo
// <command>` behave the same. Commands of other binaries are dispatched to
// them (found next to this executable, else on PATH).
#include <cstring>
#include <iostream>

#include "commands.hpp"
#include "lo/cli.hpp"
#include "lo/error.hpp"

namespace {

struct Command {
  const char* name;
  const char* summary;
  int (*run)(const lo::cmd::Argv&);
  const char* binary;  // set for dispatched commands
  const char* argv0 = nullptr;  // the name it runs under, when not `binary`
};

const Command kCommands[] = {
    {"use", "Set or show the active domain, list the domains", lo::cmd::use, nullptr},
    {"spec", "Print a domain's effective spec (defaults filled in)", lo::cmd::spec, nullptr},
    {"lint", "Check specs, targets and the project layout", lo::cmd::lint, nullptr},
    {"up", "Provision, bootstrap and start Tilt: the one-shot dev flow", lo::cmd::up, nullptr},
    {"down", "Stop Tilt and delete the cluster (shared registries stay)", lo::cmd::down, nullptr},
    {"services", "Print the project's services (services.yaml, profiles, lok8s.yaml), checked", lo::cmd::services, nullptr},
    {"tilt", "Run Tilt for a domain: up, down, status, ci (one Tilt per domain)", lo::cmd::tilt, nullptr},
    {"capi", "Print the Cluster API resources of a Capi domain (render)", lo::cmd::capi, nullptr},
    {"kubeone", "Print the kubeone.yaml of a KubeOne domain (render)", lo::cmd::kubeone, nullptr},
    {"provision", "Create a domain's cluster with its driver", lo::cmd::provision, nullptr},
    {"destroy", "Tear down a domain's cluster", lo::cmd::destroy, nullptr},
    {"status", "Print a domain's cluster status", lo::cmd::status, nullptr},
    {"kubeconfig", "Print the path of a domain's kubeconfig", lo::cmd::kubeconfig, nullptr},
    {"bootstrap", "Apply spec.bootstrap (CNI, load balancer, ...) stage by stage", lo::cmd::bootstrap, nullptr},
    {"addons", "List the addons spec.bootstrap can name", lo::cmd::addons, nullptr},
    {"build", "Build kustomize targets into artifacts", nullptr, "kubectl-lo-build"},
    {"deploy", "Apply artifacts to the cluster in phases and wait until healthy", nullptr, "kubectl-lo-deploy"},
    {"diff", "Show what a deploy would change, prune included (server-side dry run)", nullptr, "kubectl-lo-deploy",
     "kubectl-lo-diff"},
    {"kind", "Kind cluster config, containerd certs.d, kind lifecycle", nullptr, "lo-kind"},
    {"registry", "Registry plan and lifecycle (build, cache, mirrors)", nullptr, "lo-registry"},
    {"version", "Print the version", lo::cmd::version, nullptr},
};

void usage(std::ostream& out) {
  out << "lo takes a Kubernetes project from a laptop to production with one model.\n\n"
         "Usage:\n  kubectl lo COMMAND [DOMAIN] [flags]\n\nCommands:\n";
  for (const auto& c : kCommands) {
    std::string name = c.name;
    out << "  " << name << std::string(12 - name.size(), ' ') << c.summary << "\n";
  }
  out << "\nFlags every command takes:\n" << lo::format_flags(lo::common_flags())
      << "\nThe domain is the DOMAIN argument or --domain, else clusters/.active, else $DOMAIN_NAME,\n"
         "else lok8s.dev. Run 'kubectl lo COMMAND --help' for a command's flags.\n";
}

}  // namespace

int main(int argc, char** argv) {
  return lo::guarded_main("kubectl lo", [&]() -> int {
    lo::cmd::Argv args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
      usage(std::cout);
      return args.empty() ? lo::kExitUsage : lo::kExitOk;
    }
    if (args[0] == "--version") return lo::cmd::version({});
    std::string word = args[0];
    lo::cmd::Argv rest(args.begin() + 1, args.end());
    for (const auto& c : kCommands) {
      if (word != c.name) continue;
      if (c.binary) return lo::cmd::dispatch(c.binary, rest, c.argv0 ? c.argv0 : "");
      return c.run(rest);
    }
    std::string names;
    for (const auto& c : kCommands) names += (names.empty() ? "" : ", ") + std::string(c.name);
    throw lo::UsageError("unknown command \"" + word + "\"", "commands: " + names + "; see 'kubectl lo --help'");
  });
}
