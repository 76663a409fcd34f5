// kubectl lo completion bash|zsh|fish: the script that completes kubectl-lo
// (lo/completion.hpp).
#include <iostream>

#include "commands.hpp"
#include "lo/completion.hpp"
#include "lo/error.hpp"

namespace lo::cmd {
namespace {

int completion(const cli::Args& a) {
  if (a.positionals().size() != 1)
    throw UsageError("completion needs one SHELL: bash, zsh or fish", "e.g. source <(kubectl lo completion bash)");
  std::cout << cli::completion_script(a.positionals()[0]);
  return kExitOk;
}

}  // namespace

const cli::Command completion_command{
    .name = "completion",
    .summary = "Print the shell completion script (bash, zsh, fish)",
    .usage = "bash|zsh|fish",
    .about = "Print the script that completes kubectl-lo in bash, zsh or fish: commands, flags, domains,\n"
             "targets and -o values, from the same tables as --help.\n\n"
             "For 'kubectl lo <TAB>' no script is needed: kubectl's own completion (kubectl completion\n"
             "SHELL) runs kubectl_complete-lo, which lo installs beside kubectl-lo (kubectl >= 1.26).",
    .run = completion,
    .words = cli::Words::Shell,
    .examples = "  source <(kubectl lo completion bash)                  # bash, this shell\n"
                "  kubectl lo completion zsh > \"${fpath[1]}/_kubectl-lo\"  # zsh, for good\n"
                "  kubectl lo completion fish | source                   # fish, this shell",
};

}  // namespace lo::cmd
