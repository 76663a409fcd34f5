// lo-registry: the registries of a Lo cluster (build, cache, pull-through
// mirrors). Also reachable as `kubectl lo registry ...`. One table of
// commands; each command parses its own flags.
#include <iostream>

#include "lo/cli.hpp"
#include "lo/error.hpp"
#include "lo/version.hpp"
#include "plan.hpp"
#include "registry.hpp"

namespace {

struct Command {
  const char* name;
  const char* alias;  // upstream's one-letter forms (lo registry u|d|s|c)
  const char* help;
  int (*run)(const std::vector<std::string>&);
};

int version(const std::vector<std::string>&) {
  std::cout << "lo-registry version v" << lo::kVersion << "\n";
  return lo::kExitOk;
}

const Command kCommands[] = {
    {"plan", nullptr, "Print the registry plan of the effective spec (nothing is started)", lo::registry::plan},
    {"up", "u", "Start the networks, certificates and registry containers (idempotent)", lo::registry::cmd_up},
    {"down", "d", "Remove the registry containers, keep their data (--shared: also the shared mirrors)", lo::registry::cmd_down},
    {"status", "s", "Show each registry's container state and address", lo::registry::cmd_status},
    {"clean", "c", "Remove the registry containers and their data (--shared: also shared mirrors and network)",
     lo::registry::cmd_clean},
    {"version", nullptr, "Print the version", version},
};

}  // namespace

int main(int argc, char** argv) {
  return lo::guarded_main("lo-registry", [&]() -> int {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "-h" || args[0] == "--help") {
      std::cout << "Registries of a Lo cluster: build, cache and pull-through mirrors.\n\n"
                   "Usage:\n  lo-registry COMMAND [DOMAIN] [flags]\n\nCommands:\n";
      for (const auto& c : kCommands) {
        std::string name = c.name;
        std::cout << "  " << name << std::string(10 - name.size(), ' ') << c.help << "\n";
      }
      std::cout << "\nDocker is needed for up, down, status and clean; --dry-run prints what they would do.\n";
      return args.empty() ? lo::kExitUsage : lo::kExitOk;
    }
    if (args[0] == "--version") args[0] = "version";
    std::vector<std::string> rest(args.begin() + 1, args.end());
    std::string names;
    for (const auto& c : kCommands) {
      if (args[0] == c.name || (c.alias && args[0] == c.alias)) return c.run(rest);
      names += (names.empty() ? "" : ", ") + std::string(c.name);
    }
    throw lo::UsageError("unknown command \"" + args[0] + "\"", "commands: " + names);
  });
}
