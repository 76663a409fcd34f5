// lo-kind: kind clusters for Lo domains. Also reachable as `kubectl lo kind`.
#include <iostream>

#include "kind.hpp"
#include "lo/cli.hpp"
#include "lo/error.hpp"
#include "lo/version.hpp"

namespace {

namespace cli = lo::cli;

const cli::Command kVersion{
    .name = "version",
    .summary = "Print the version",
    .run = [](const cli::Args&) {
      std::cout << "lo-kind version v" << lo::kVersion << "\n";
      return int{lo::kExitOk};
    },
};

const cli::Command* const kCommands[] = {
    &lo::kind::config_command, &lo::kind::certs_d_command, &lo::kind::create_command, &lo::kind::delete_command,
    &lo::kind::status_command, &lo::kind::kubeconfig_command, &kVersion,
};

const cli::Program kProgram{
    .name = "lo-kind",
    .binary = "lo-kind",
    .about = "Kind clusters for Lo domains.",
    .commands = kCommands,
    .also = "kubectl lo kind",
};

}  // namespace

int main(int argc, char** argv) { return cli::main(kProgram, argc, argv); }
