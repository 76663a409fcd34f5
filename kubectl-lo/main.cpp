// kubectl-lo: the front door. `kubectl lo <command>` and `kubectl-lo
// <command>` behave the same. Commands of other binaries are dispatched to
// them (found next to this executable, else on PATH).
#include "commands.hpp"

namespace {

using lo::cli::Command;

const Command kBuild{.name = "build", .summary = "Build kustomize targets into artifacts", .binary = "kubectl-lo-build"};
const Command kDeploy{.name = "deploy",
                      .summary = "Apply artifacts to the cluster in phases and wait until healthy",
                      .binary = "kubectl-lo-deploy"};
const Command kDiff{.name = "diff",
                    .summary = "Show what a deploy would change, prune included (server-side dry run)",
                    .binary = "kubectl-lo-deploy",
                    .argv0 = "kubectl-lo-diff"};
const Command kKind{.name = "kind", .summary = "Kind cluster config, containerd certs.d, kind lifecycle", .binary = "lo-kind"};
const Command kRegistry{.name = "registry", .summary = "Registry plan and lifecycle (build, cache, mirrors)", .binary = "lo-registry"};

const Command* const kCommands[] = {
    &lo::cmd::use_command,       &lo::cmd::spec_command,     &lo::cmd::lint_command,    &lo::cmd::up_command,
    &lo::cmd::down_command,      &lo::cmd::services_command, &lo::cmd::tilt_command,    &lo::cmd::capi_command,
    &lo::cmd::kubeone_command,   &lo::cmd::provision_command,
    &lo::cmd::destroy_command,   &lo::cmd::status_command,   &lo::cmd::kubeconfig_command,
    &lo::cmd::bootstrap_command, &lo::cmd::addons_command,   &lo::cmd::kubehz_command,
    &kBuild,                     &kDeploy,                   &kDiff,                    &kKind,
    &kRegistry,
    &lo::cmd::init_command,      &lo::cmd::doctor_command,   &lo::cmd::trust_command,
    &lo::cmd::version_command,   &lo::cmd::completion_command,
};

const lo::cli::Program kProgram{
    .name = "kubectl lo",
    .binary = "kubectl-lo",
    .about = "lo takes a Kubernetes project from a laptop to production with one model.",
    .commands = kCommands,
    .footer = "The domain is the DOMAIN argument or --domain, else clusters/.active, else $DOMAIN_NAME,\n"
              "else lok8s.dev.",
};

}  // namespace

int main(int argc, char** argv) { return lo::cli::main(kProgram, argc, argv); }
