// The commands of kubectl-lo, one table entry each (lo/cli.hpp): its name,
// help and flags next to its code. main.cpp lists them; the commands other
// binaries serve (build, deploy, kind, registry) are entries there.
#pragma once

#include "lo/cli.hpp"

namespace lo::cmd {

extern const cli::Command use_command;
extern const cli::Command spec_command;
extern const cli::Command lint_command;
extern const cli::Command up_command;
extern const cli::Command down_command;
extern const cli::Command provision_command;
extern const cli::Command destroy_command;
extern const cli::Command status_command;
extern const cli::Command kubeconfig_command;
extern const cli::Command services_command;
extern const cli::Command bootstrap_command;
extern const cli::Command addons_command;
extern const cli::Command tilt_command;
extern const cli::Command capi_command;
extern const cli::Command kubeone_command;
extern const cli::Command trust_command;
extern const cli::Command doctor_command;
extern const cli::Command init_command;
extern const cli::Command kubehz_command;
extern const cli::Command version_command;
extern const cli::Command completion_command;

}  // namespace lo::cmd
