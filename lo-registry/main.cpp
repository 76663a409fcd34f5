// lo-registry: the registries of a Lo cluster (build, cache, pull-through
// mirrors). Also reachable as `kubectl lo registry ...`. One table of
// commands (lo/cli.hpp); upstream's one-letter forms (u, d, s, c) are aliases.
#include <iostream>

#include "lo/cli.hpp"
#include "lo/error.hpp"
#include "lo/version.hpp"
#include "plan.hpp"
#include "registry.hpp"

namespace {

namespace cli = lo::cli;

const cli::Command kVersion{
    .name = "version",
    .summary = "Print the version",
    .run = [](const cli::Args&) {
      std::cout << "lo-registry version v" << lo::kVersion << "\n";
      return int{lo::kExitOk};
    },
};

const cli::Command* const kCommands[] = {
    &lo::registry::plan_command,  &lo::registry::up_command,    &lo::registry::down_command,
    &lo::registry::status_command, &lo::registry::clean_command, &kVersion,
};

const cli::Program kProgram{
    .name = "lo-registry",
    .binary = "lo-registry",
    .about = "Registries of a Lo cluster: build, cache and pull-through mirrors.",
    .commands = kCommands,
    .footer = "Docker is needed for up, down, status and clean; --dry-run prints what they would do.",
    .also = "kubectl lo registry",
};

}  // namespace

int main(int argc, char** argv) { return cli::main(kProgram, argc, argv); }
