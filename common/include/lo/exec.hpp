// Running external tools (kustomize, kubectl, docker, kind, tilt, helm, ...).
// Always an argv vector, never a shell string. Each child gets an optional
// timeout and its stderr is kept so an error can quote the tool's own words.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lo {

struct ExecOptions {
  // Variables to set (or override) in the child's environment; a value of
  // std::nullopt removes the variable.
  std::map<std::string, std::optional<std::string>> env;
  std::optional<std::string> stdin_data;  // nullopt: child's stdin is /dev/null
  std::chrono::milliseconds timeout{0};   // 0: no timeout
  std::filesystem::path cwd;              // empty: inherit
  bool inherit_stdout = false;            // true: child writes to our stdout
  bool inherit_stderr = false;            // true: child writes to our stderr
  // true: the child leads a process group of its own, and the timeout and
  // signal_children() reach the whole group (a tool's own children too: a
  // kustomize plugin, helm). Only for children that never need the
  // terminal: a background group cannot read it.
  bool own_process_group = false;
};

struct ExecResult {
  int exit_code = -1;   // exit status when the child exited normally
  int term_signal = 0;  // signal that ended the child, 0 if none
  bool timed_out = false;
  std::string out;
  std::string err;
  bool ok() const { return exit_code == 0 && term_signal == 0 && !timed_out; }
};

// Runs argv[0] (looked up on PATH when it has no '/') and waits for it.
// Throws lo::Error when the program cannot be started at all.
ExecResult run(const std::vector<std::string>& argv, const ExecOptions& options = {});

// PATH lookup like execvp; nullopt when not found or not executable.
std::optional<std::filesystem::path> find_program(const std::string& name);

// Directory of the running executable, symlinks resolved.
std::filesystem::path self_exe_dir();

// Where a sibling binary of the running one (kubectl-lo-build, lo-kind, ...)
// is: next to this executable (symlinks resolved), else on PATH. Throws
// lo::Error when it is in neither place.
std::string sibling_program(const std::string& binary);

// Replaces this process with `path`, run with `argv` (argv[0] included).
// Returns only by throwing lo::Error.
[[noreturn]] void exec_program(const std::string& path, const std::vector<std::string>& argv);

// Sends `sig` to every child started by run() that is still running (to
// its process group when it has its own). Safe to call from a signal
// handler.
void signal_children(int sig);

// "kubectl kustomize dir" style rendering of an argv for logs and --dry-run:
// words that need it are single-quoted so the line can be pasted to a shell.
std::string argv_to_display(const std::vector<std::string>& argv);

}  // namespace lo
