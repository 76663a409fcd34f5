// The one error type of lo. An error says what failed, where (file, YAML
// field path such as spec.registries.mirrors[1].name, line when known) and
// what to do about it. Several problems can travel in one error so that a
// user sees every mistake of a file in one run, not only the first.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace lo {

// Process exit codes shared by every binary.
enum ExitCode : int { kExitOk = 0, kExitFailure = 1, kExitUsage = 2 };

struct Location {
  std::string file;   // path as the user would type it (relative when possible)
  std::string field;  // YAML field path, e.g. spec.nodes.workers
  int line = 0;       // 1-based; 0 = unknown
  int column = 0;     // 1-based; 0 = unknown
};

enum class Severity { Error, Warning };

struct Problem {
  Severity severity = Severity::Error;
  Location where;
  std::string what;  // what is wrong
  std::string hint;  // what to do (may be empty)
};

// "file:line:col: field: what" on one line, then "  hint: ..." when there is
// a hint. No severity prefix: callers add "error:" / "warning:".
std::string format_problem(const Problem& p);

class Error : public std::runtime_error {
 public:
  explicit Error(std::string what, std::string hint = {}, int exit_code = kExitFailure);
  Error(Location where, std::string what, std::string hint = {});
  explicit Error(std::vector<Problem> problems);

  const std::vector<Problem>& problems() const { return problems_; }
  int exit_code() const { return exit_code_; }

 private:
  std::vector<Problem> problems_;
  int exit_code_ = kExitFailure;
};

// A command line mistake: exit 2, like kubectl.
class UsageError : public Error {
 public:
  explicit UsageError(std::string what, std::string hint = {})
      : Error(std::move(what), std::move(hint), kExitUsage) {}
};

// "a, b, c": the items of a list in a message (or joined by `sep`).
std::string join(const std::vector<std::string>& items, const std::string& sep = ", ");

// Collects problems while a file is checked, then throws them together.
class Diagnostics {
 public:
  void error(Location where, std::string what, std::string hint = {});
  void warning(Location where, std::string what, std::string hint = {});
  void add(Problem p) { problems_.push_back(std::move(p)); }
  bool has_errors() const;
  size_t error_count() const;
  size_t warning_count() const;
  const std::vector<Problem>& problems() const { return problems_; }
  std::vector<Problem> warnings() const;
  // Throws lo::Error carrying every error (warnings stay here) if any.
  void throw_if_errors() const;

 private:
  std::vector<Problem> problems_;
};

}  // namespace lo
