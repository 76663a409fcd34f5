// The command line of every lo binary, on Boost.ProgramOptions.
//
// A binary is a Program: a table of Commands. A Command is a name, a summary,
// its usage and help text, a function that adds its flags to a
// boost::program_options::options_description, and a run function. That
// description, built once and only for the command that runs, is the single
// source of the command's --help screen, of the validation of its flags and
// of its shell completion (lo/completion.hpp).
//
// kubectl's manners, written once here (cli_parse.cpp) as a Boost.PO style
// parser: flags before or after positionals, --flag value and --flag=value,
// -o json, -ojson and -o=json, -v alone (= -v=1), -v=3 and --v=3, boolean
// flags as --wait or --wait=false (remembered as false), "--" ends flags.
// Unknown flags and missing values are lo::UsageError (exit 2) worded like
// kubectl: "unknown flag: --foo", "flag needs an argument: --output",
// "unknown shorthand flag: 'x' in -x", "flag needs an argument: 'o' in -o".
//
// Adding a command: see ARCHITECTURE.md, "The command line".
#pragma once

#include <boost/program_options/options_description.hpp>
#include <boost/program_options/value_semantic.hpp>
#include <boost/program_options/variables_map.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

namespace lo::cli {

namespace po = boost::program_options;
using Options = po::options_description;

// What completes a flag's value or a command's positional words.
enum class Complete {
  Nothing,  // free text: no candidates, no file names
  Choices,  // the allowed values of the flag
  Domain,   // folders under clusters/ that hold a spec
  File,     // file names (the shell's own completion)
  Folder,   // folder names
};

// The value of a flag: how it is parsed and checked (Boost.PO calls it when
// it stores the flag), how it shows in --help, what completes it. Made by the
// functions below and handed to Options::add_options(), which owns it:
//
//   o.add_options()
//       ("output,o", cli::choice("FORMAT", {"yaml", "json"}), "yaml (default) or json")
//       ("force,f", cli::boolean(), "rebuild everything");
class Value final : public po::value_semantic_codecvt_helper<char> {
 public:
  enum class Type { Text, Boolean, Number, Duration };

  Value(Type type, std::string value_name);

  // Builders; each returns this.
  Value* repeatable();                          // every occurrence is kept (all())
  Value* implicit(std::string value);           // written alone, the flag means `value`
  Value* completes(Complete what);
  Value* hint(std::string text);                // what the error of a bad value suggests

  Type type() const { return type_; }
  const std::string& value_name() const { return value_name_; }
  const std::vector<std::string>& choices() const { return choices_; }
  Complete completion() const { return complete_; }
  const std::optional<std::string>& implicit_value() const { return implicit_; }
  bool repeats() const { return repeatable_; }

  // po::value_semantic. Values are kept as std::vector<std::string>.
  std::string name() const override { return value_name_; }
  unsigned min_tokens() const override { return implicit_ ? 0 : 1; }
  unsigned max_tokens() const override { return 1; }
  bool is_composing() const override { return repeatable_; }
  bool is_required() const override { return false; }
  bool apply_default(boost::any&) const override { return false; }
  void notify(const boost::any&) const override {}

 private:
  friend Value* choice(std::string, std::vector<std::string>);
  friend Value* number(std::string, long, long);
  friend Value* duration(bool);
  void xparse(boost::any& store, const std::vector<std::string>& tokens) const override;
  // Throws when `v` is not a valid value (the flag's name is added by Args).
  void check(const std::string& v) const;

  Type type_;
  std::string value_name_;
  std::vector<std::string> choices_;
  Complete complete_ = Complete::Nothing;
  std::optional<std::string> implicit_;
  std::string hint_;
  bool repeatable_ = false;
  long min_ = 0, max_ = 0;
  bool zero_duration_ = false;
};

// --flag VALUE: any text.
Value* text(std::string value_name, Complete what = Complete::Nothing);
// --flag, --flag=true, --flag=false (kubectl's boolean flags).
Value* boolean();
// --flag VALUE, VALUE one of `allowed` ("" too: the command's default).
Value* choice(std::string value_name, std::vector<std::string> allowed);
// --flag N, an integer from min to max.
Value* number(std::string value_name, long min, long max);
// --flag DURATION: 90s, 10m, 1m30s (lo/duration.hpp); 0 only when allowed.
Value* duration(bool zero_allowed);

// Flag groups. Every command has common_flags (added by the Program):
// -h/--help, --root DIR, -v/--v LEVEL, --log-format text|json.
void common_flags(Options& o);
// --domain DOMAIN.
void domain_flag(Options& o);
// --kubeconfig FILE, --context NAME (lo/domain_cluster.hpp).
void kubeconfig_flags(Options& o);
// kubeconfig_flags and -n/--namespace NS.
void cluster_flags(Options& o);
// -o/--output FORMAT, one of `formats`.
void output_flag(Options& o, std::vector<std::string> formats, const std::string& help);

// The flags of one command line, parsed and checked. Throws lo::UsageError.
class Args {
 public:
  Args(const Options& options, const std::vector<std::string>& words);

  // A value flag that was given, or a boolean flag that is true.
  bool has(const std::string& name) const;
  // Written on the command line at all (--wait=false too).
  bool given(const std::string& name) const { return vm_.count(name) > 0; }
  // A boolean flag: its last value, or `fallback` when not given.
  bool flag(const std::string& name, bool fallback = false) const;
  // The last value of a flag.
  std::optional<std::string> get(const std::string& name) const;
  // Every value of a repeatable flag, in order.
  std::vector<std::string> all(const std::string& name) const;
  // A duration flag; nullopt when not given.
  std::optional<std::chrono::milliseconds> get_duration(const std::string& name) const;
  // A number flag; nullopt when not given.
  std::optional<long> get_number(const std::string& name) const;
  const std::vector<std::string>& positionals() const { return positionals_; }
  // The positionals written before "--", and those after it (words a command
  // hands on to another tool, e.g. kubectl lo tilt up -- ARGS).
  std::vector<std::string> before_dashes() const;
  std::vector<std::string> after_dashes() const;

  int verbosity() const;                                   // -v
  bool json_logs() const;                                  // --log-format=json
  std::string output(const std::string& fallback) const;  // -o, `fallback` when not given or empty

 private:
  po::variables_map vm_;
  std::vector<std::string> positionals_;
  size_t dashes_;  // the number of positionals before "--" (all of them without one)
  std::set<std::string> booleans_;
};

// What a command's positional words are, for completion.
enum class Words {
  None,
  Domain,            // [DOMAIN]
  Domains,           // [DOMAIN...]
  DomainAndTargets,  // [DOMAIN] [TARGET...]
  Shell,             // bash|zsh|fish
  VerbThenDomain,    // VERB [DOMAIN]: one of the command's .verbs, then a domain
};

// A verb of a command that takes one as its first word (kubectl lo tilt up).
struct Verb {
  const char* name;
  const char* summary;
};

struct Command {
  const char* name;
  const char* summary;                       // one line: command lists, completion
  const char* usage = "";                    // after "<program> <name> ", e.g. "[DOMAIN] [-o yaml|json]";
                                             // several forms separated by '\n'
  const char* about = nullptr;               // --help's first paragraph (default: summary)
  void (*flags)(Options&) = nullptr;         // adds the command's own flags
  int (*run)(const Args&) = nullptr;
  Words words = Words::None;
  const char* examples = nullptr;            // shown before the flags
  const char* details = nullptr;             // shown after the flags
  const char* binary = nullptr;              // a sibling binary that takes over the words
  const char* argv0 = nullptr;               // the name `binary` runs under, when not its own (a binary
                                             // that serves two commands tells them apart by it)
  const char* alias = nullptr;               // another name (lo-registry's u, d, s, c)
  bool hidden = false;                       // left out of lists and completion
  std::span<const Verb> verbs = {};          // Words::VerbThenDomain: the first word
};

struct Program {
  const char* name;                          // "kubectl lo": error prefix and usage lines
  const char* binary;                        // "kubectl-lo": the log's "binary" field
  const char* about;                         // the first line of the program's --help
  std::span<const Command* const> commands;  // one entry and single: no command word
  bool single = false;
  const char* footer = nullptr;              // the end of the program's --help
  const char* also = nullptr;                // the same through kubectl: "kubectl lo registry"
};

// The help screen of a command, from its table entry and its options.
std::string help_screen(const Program& p, const Command& c, const Options& options);
// The help screen of a program: its commands and the common flags.
std::string program_help(const Program& p);
// The options of a command: its own flags, then the common flags.
Options command_options(const Command& c);
// The command a word names (name or alias), or nullptr.
const Command* find_command(const Program& p, const std::string& word);

// main() of every binary: finds the command (flags every command takes may
// come before its name), parses its flags, prints --help, sets up the log
// (-v, --log-format), runs it; `__complete` answers shell completion.
int main(const Program& p, int argc, char** argv);
// main() of a binary that is one command (kubectl-lo-build, -deploy): no
// command word; `name` prefixes its errors and usage ("kubectl lo build").
int main(const Command& c, const char* name, const char* binary, int argc, char** argv);

// Runs `body` with lo's error handling: lo::Error problems printed as
// "<prefix>: error: ..." (lo/log.hpp), exit code from the error; anything
// else is an internal error (exit 1). SIGPIPE is ignored, so a closed pipe
// is an error we report, not a silent death.
int guarded_main(const std::string& prefix, const std::function<int()>& body);

}  // namespace lo::cli
