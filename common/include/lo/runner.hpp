// Side effects of provisioning (docker, kind, files, cluster objects), run
// for real or, with --dry-run, printed as the exact ordered plan.
//
// Reading state (docker inspect, kind get clusters) always happens, also in
// a dry run, so the plan shows only what would change; when a query cannot
// run at all (no Docker daemon), the dry run assumes nothing exists and says
// so. Every change is recorded, so a failure halfway reports exactly what
// this command did before it and what failed, and nothing is claimed that was
// not done.
#pragma once

#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "lo/exec.hpp"

namespace lo {

class Runner {
 public:
  // The plan of a dry run goes to stdout (it can be piped); the progress
  // lines of a real run go to the log (lo/log.hpp).
  explicit Runner(bool dry_run);
  // Both go to `out` (a command that keeps them to itself).
  Runner(bool dry_run, std::ostream& out);

  bool dry_run() const { return dry_run_; }

  // A read-only command. Runs in both modes; returns its result as is.
  ExecResult query(const std::vector<std::string>& argv, const ExecOptions& options = {});

  // A command that changes something. Real run: runs it and throws lo::Error
  // (what, the tool's own stderr, and what was done before) when it fails.
  // Dry run: prints "run: <argv>" (with env assignments) and returns success.
  ExecResult change(const std::string& what, const std::vector<std::string>& argv, const ExecOptions& options = {});

  // Writes a file atomically with `mode` (or prints "write: <path> (<mode>)").
  // A file that already has this content and mode is left alone (no line).
  void write_file(const std::string& what, const std::filesystem::path& path, const std::string& content,
                  std::filesystem::perms mode = std::filesystem::perms(0644));

  // Removes a file or folder tree (or prints "remove: <path>").
  void remove(const std::string& what, const std::filesystem::path& path);

  // Any other change (e.g. applying an object through the API): runs `action`
  // or prints "<verb>: <target>".
  void step(const std::string& verb, const std::string& target, const std::function<void()>& action);
  // Like step, for an action that may find nothing to do: it returns whether
  // it changed something, and only then is the step recorded as done.
  void step_if(const std::string& verb, const std::string& target, const std::function<bool()>& action);

  // A line of information (printed in both modes, marked as a note).
  void note(const std::string& line);

  const std::vector<std::string>& done() const { return done_; }

 private:
  [[noreturn]] void fail(const std::string& what, const std::string& detail, const std::string& hint);
  void record(const std::string& line);

  void line(const std::string& text);

  bool dry_run_;
  std::ostream* out_;  // nullptr: stdout (dry run) or the log
  std::vector<std::string> done_;
};

}  // namespace lo
