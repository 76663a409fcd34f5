// lo-registry: the registries of a Lo cluster (build, cache, pull-through
// mirrors). Also reachable as `kubectl lo registry ...`.
#include <iostream>

#include "lo/cli.hpp"
#include "lo/error.hpp"
#include "lo/version.hpp"
#include "plan.hpp"

int main(int argc, char** argv) {
  return lo::guarded_main("lo-registry", [&]() -> int {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "-h" || args[0] == "--help") {
      std::cout << "Registries of a Lo cluster: build, cache and pull-through mirrors.\n\n"
                   "Usage:\n  lo-registry COMMAND [DOMAIN] [flags]\n\nCommands:\n"
                   "  plan      Print the registry plan of the effective spec\n"
                   "  version   Print the version\n";
      return args.empty() ? lo::kExitUsage : lo::kExitOk;
    }
    std::vector<std::string> rest(args.begin() + 1, args.end());
    if (args[0] == "plan") return lo::registry::plan(rest);
    if (args[0] == "version" || args[0] == "--version") {
      std::cout << "lo-registry version v" << lo::kVersion << "\n";
      return lo::kExitOk;
    }
    throw lo::UsageError("unknown command \"" + args[0] + "\"", "commands: plan, version");
  });
}
