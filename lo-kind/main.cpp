// lo-kind: kind clusters for Lo domains. Also reachable as `kubectl lo kind`.
#include <iostream>

#include "kind.hpp"
#include "lo/cli.hpp"
#include "lo/error.hpp"
#include "lo/version.hpp"

namespace {

struct Command {
  const char* name;
  const char* summary;
  int (*run)(const std::vector<std::string>&);
};

const Command kCommands[] = {
    {"config", "Print the kind cluster config rendered from the effective spec", lo::kind::cmd_config},
    {"certs-d", "Write the containerd certs.d tree (registry hosts)", lo::kind::cmd_certs_d},
    {"create", "Create the network, certs.d, kind cluster, kubeconfig and registry ConfigMaps", lo::kind::cmd_create},
    {"delete", "Delete the kind cluster", lo::kind::cmd_delete},
    {"status", "Print Running or NotFound", lo::kind::cmd_status},
    {"kubeconfig", "Write the kubeconfig (0600) and print its path", lo::kind::cmd_kubeconfig},
};

}  // namespace

int main(int argc, char** argv) {
  return lo::guarded_main("lo-kind", [&]() -> int {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "-h" || args[0] == "--help") {
      std::cout << "Kind clusters for Lo domains.\n\nUsage:\n  lo-kind COMMAND [DOMAIN] [flags]\n  kubectl lo kind COMMAND [DOMAIN]\n\nCommands:\n";
      for (const auto& c : kCommands) std::cout << "  " << c.name << std::string(12 - std::string(c.name).size(), ' ') << c.summary << "\n";
      std::cout << "  version     Print the version\n";
      return args.empty() ? lo::kExitUsage : lo::kExitOk;
    }
    if (args[0] == "version" || args[0] == "--version") {
      std::cout << "lo-kind version v" << lo::kVersion << "\n";
      return lo::kExitOk;
    }
    std::vector<std::string> rest(args.begin() + 1, args.end());
    for (const auto& c : kCommands)
      if (args[0] == c.name) return c.run(rest);
    throw lo::UsageError("unknown command \"" + args[0] + "\"", "commands: config, certs-d, create, delete, status, kubeconfig, version");
  });
}
