// Side effects of provisioning (docker, kind, files, cluster objects), run
// for real or, with --dry-run, printed as the exact ordered plan.
//
// One source for both: every change is a *step* with one canonical line
// ("run: <argv>", "write: <path> (<mode>)", "remove: <path>",
// "<verb>: <target>", and "warning: <text>" for warnings), decided by the
// same code in both modes. A dry run prints the lines; a real run does the
// work and prints progress ("done: ..."). With LO_STEP_LOG=FILE set, both
// modes append the canonical lines to FILE (every lo process of one command
// appends to the same file), so a plan and the run it describes can be
// compared line by line on the same starting state.
//
// Reading state (docker inspect, kind get clusters, the cluster's objects)
// always happens, also in a dry run, so the plan shows only what would
// change. What an earlier step of the same plan would have made (a file, a
// docker network) does not exist yet in a dry run; the runner remembers it
// as *planned* (will_exist), also across the processes of one command
// (LO_PLAN_STATE=FILE, set up by PlanState), so later steps plan as the real
// run would act. When a query cannot run at all (no Docker daemon), the dry
// run assumes nothing exists and says so.
//
// Every change is recorded, so a failure halfway reports exactly what this
// command did before it and what failed, and nothing is claimed that was
// not done.
#pragma once

#include <filesystem>
#include <functional>
#include <iosfwd>
#include <set>
#include <string>
#include <utility>
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
  // A file that already has this content and mode is left alone (no step).
  void write_file(const std::string& what, const std::filesystem::path& path, const std::string& content,
                  std::filesystem::perms mode = std::filesystem::perms(0644));
  // Like write_file, but rewrites the file in place (truncate, write, fsync:
  // the inode stays) for files bind-mounted into containers one by one,
  // where a renamed-in file would never be seen.
  void write_file_in_place(const std::string& what, const std::filesystem::path& path, const std::string& content,
                           std::filesystem::perms mode = std::filesystem::perms(0644));
  // A file whose content only an earlier step of this plan would make (a
  // dry run) or that exists now (a real run): `src` copied to `dst`.
  // Unchanged copies are left alone in both modes.
  void copy_file(const std::string& what, const std::filesystem::path& src, const std::filesystem::path& dst,
                 std::filesystem::perms mode = std::filesystem::perms(0644));
  // Dry run only: a file whose content comes from something this plan has
  // not made yet (the kubeconfig of a cluster it would create); the real
  // run knows the content and calls write_file. Prints the write.
  void plan_write(const std::string& what, const std::filesystem::path& path,
                  std::filesystem::perms mode = std::filesystem::perms(0644));

  // Removes a file or folder tree (or prints "remove: <path>").
  void remove(const std::string& what, const std::filesystem::path& path);

  // Any other change (applying an object, minting a certificate): runs
  // `action` or prints "<verb>: <target>". Whether it is needed must be
  // decided before, by reading state, so both modes agree. `creates` lists
  // the files it makes (remembered as planned in a dry run).
  void step(const std::string& verb, const std::string& target, const std::function<void()>& action,
            const std::vector<std::filesystem::path>& creates = {});

  // A warning: printed as "<prefix>: warning: ..." in both modes and part
  // of the step list, so a plan names the warnings of its run.
  void warn(const std::string& prefix, const std::string& what, const std::string& hint = {});

  // A line of information (printed in both modes, marked as a note in a
  // dry run). Not a step.
  void note(const std::string& line);

  // Planned state of a dry run: `kind` is "file" or "network" (any word);
  // will_exist records, exists_or_planned asks (a file also counts when it
  // is on disk).
  void will_exist(const std::string& kind, const std::string& key);
  bool planned(const std::string& kind, const std::string& key) const;
  bool file_exists_or_planned(const std::filesystem::path& path) const;

  // Human lines of what was done (for the failure message).
  const std::vector<std::string>& done() const { return done_; }
  // The canonical step lines, in order (both modes).
  const std::vector<std::string>& steps() const { return steps_; }

 private:
  [[noreturn]] void fail(const std::string& what, const std::string& detail, const std::string& hint);
  // One step: its canonical line (logged, and printed in a dry run with an
  // optional "  # comment"), and in a real run the progress line.
  void record(const std::string& line, const std::string& comment, const std::string& progress);
  bool unchanged(const std::filesystem::path& path, const std::string& content, std::filesystem::perms mode) const;

  Runner(bool dry_run, std::ostream* out);
  void line(const std::string& text);

  bool dry_run_;
  std::ostream* out_;  // nullptr: stdout (dry run) or the log
  std::vector<std::string> done_;
  std::vector<std::string> steps_;
  std::set<std::pair<std::string, std::string>> planned_;
};

// Sets LO_PLAN_STATE for this process and the lo binaries it runs, so a
// dry run that spans several of them (kubectl lo provision --dry-run runs
// lo-registry and lo-kind) shares its planned state. Removes the file and
// restores the variable when it goes. Does nothing when one is already set.
class PlanState {
 public:
  PlanState();
  ~PlanState();
  PlanState(const PlanState&) = delete;
  PlanState& operator=(const PlanState&) = delete;

 private:
  std::filesystem::path file_;
};

}  // namespace lo
