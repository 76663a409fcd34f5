// Command line parsing with kubectl's manners: long flags as --flag value or
// --flag=value, short flags as -o json or -ojson, flags anywhere among the
// positionals, "--" ends flags. Mistakes are lo::UsageError (exit 2).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lo {

struct Flag {
  std::string name;        // long name without dashes, e.g. "output"
  char shorthand = 0;      // e.g. 'o'
  bool takes_value = false;
  std::string value_name;  // e.g. "FORMAT"
  std::string help;
  bool repeatable = false;
  // Takes a value only when written --flag=value / -fVALUE / -f=value; alone
  // it means `implicit` (kubectl's -v works like that for lo).
  std::optional<std::string> implicit;
};

class Args {
 public:
  // Parses `args` (the words after the command). Throws UsageError.
  Args(const std::vector<Flag>& flags, const std::vector<std::string>& args);

  bool has(const std::string& name) const { return values_.count(name) > 0; }
  std::optional<std::string> get(const std::string& name) const;
  std::vector<std::string> all(const std::string& name) const;
  const std::vector<std::string>& positionals() const { return positionals_; }

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positionals_;
};

// Flags every lo command accepts (kubectl plugin conventions).
std::vector<Flag> common_flags();
// --domain, for commands that act on one domain.
std::vector<Flag> domain_flags();
// --kubeconfig and --context: which cluster (lo/domain_cluster.hpp).
std::vector<Flag> kubeconfig_flags();
// The flags that talk to a cluster: kubeconfig_flags() and -n/--namespace.
std::vector<Flag> cluster_flags();
std::vector<Flag> operator+(std::vector<Flag> a, const std::vector<Flag>& b);

// "  -o, --output FORMAT   help" lines for a help screen.
std::string format_flags(const std::vector<Flag>& flags);

// -o/--output: returns the format after checking it is one of `allowed`
// (an empty value means the default, `fallback`).
std::string output_format(const Args& args, const std::vector<std::string>& allowed,
                          const std::string& fallback);

// Verbosity from -v / --v=N (kubectl uses --v=N; -v alone means 1).
int verbosity(const Args& args);

// The value of a flag such as --timeout: a positive duration (90s, 5m,
// 1m30s). Throws UsageError naming the flag and `example` otherwise.
std::chrono::milliseconds positive_duration_flag(const std::string& flag, const std::string& value,
                                                 const std::string& example);
// The value of a flag such as --parallel: a whole number from `min` to
// `max`. Throws UsageError naming the flag otherwise.
long count_flag(const std::string& flag, const std::string& value, long min, long max);

// Runs a command body with lo's error handling: lo::Error problems printed as
// "<prefix>: error: ..." on stderr, exit code from the error; anything else is
// an internal error (exit 1). Also ignores SIGPIPE so a closed pipe is an
// error we report, not a silent death.
int guarded_main(const std::string& prefix, const std::function<int()>& body);

}  // namespace lo
