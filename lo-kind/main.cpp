// lo-kind: kind clusters for Lo domains. Also reachable as `kubectl lo kind`.
#include <iostream>

#include "lo/cli.hpp"
#include "lo/error.hpp"
#include "lo/version.hpp"

int main(int argc, char** argv) {
  return lo::guarded_main("lo-kind", [&]() -> int {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "-h" || args[0] == "--help") {
      std::cout << "Kind clusters for Lo domains.\n\nUsage:\n  lo-kind COMMAND [DOMAIN] [flags]\n\nCommands:\n"
                   "  version   Print the version\n";
      return args.empty() ? lo::kExitUsage : lo::kExitOk;
    }
    if (args[0] == "version" || args[0] == "--version") {
      std::cout << "lo-kind version v" << lo::kVersion << "\n";
      return lo::kExitOk;
    }
    throw lo::UsageError("unknown command \"" + args[0] + "\"", "commands: version");
  });
}
