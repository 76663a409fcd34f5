// Shell completion of lo's commands, read from the same option tables as
// parsing and --help (lo/cli.hpp).
//
// The protocol is cobra's, the one kubectl speaks with plugins: the program
// is run with the words typed so far, the word under the cursor last (empty
// after a space), and prints one candidate per line ("word<TAB>description"),
// then ":<directive>" (cobra's ShellCompDirective bits: 1 error, 2 no space,
// 4 no file names, 8 filter file extensions, 16 folders only).
//
//   kubectl lo <TAB>          kubectl runs kubectl_complete-lo WORD... (kubectl
//                             >= 1.26); it runs kubectl-lo __complete WORD...
//   kubectl lo build <TAB>    kubectl sees kubectl-lo-build on PATH as a plugin
//                             of its own and runs kubectl_complete-lo-build
//   kubectl-lo <TAB>          the script of `kubectl lo completion bash|zsh|fish`
//                             runs kubectl-lo __complete WORD...
//
// Commands other binaries serve (build, deploy, kind, registry) are answered
// by those binaries: kubectl-lo execs `<binary> __complete WORD...`.
#pragma once

#include <string>
#include <vector>

namespace lo::cli {

struct Program;

// cobra's ShellCompDirective bits.
enum Directive : int { kCompError = 1, kCompNoSpace = 2, kCompNoFiles = 4, kCompFileExt = 8, kCompFolders = 16 };

// Set by kubectl_complete-<plugin> for kubectl-lo: kubectl itself lists the
// commands that are kubectl plugins of their own (kubectl-lo-build, ...) when
// they are on PATH, so they are not listed twice.
inline constexpr const char* kCompletionHostVariable = "LO_COMPLETION_HOST";

// Answers `<binary> __complete WORD... PARTIAL` on stdout. Never fails: a
// project that cannot be read just completes nothing.
int complete(const Program& p, const std::vector<std::string>& words);

// The script `kubectl lo completion SHELL` prints (bash, zsh or fish): it
// completes the kubectl-lo command by running kubectl-lo __complete.
std::string completion_script(const std::string& shell);

}  // namespace lo::cli
