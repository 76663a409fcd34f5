// Inside lo's command line: the kubectl-style tokenizer that both the
// parser (Args) and completion read words with, and small helpers over
// Boost.PO's option descriptions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lo/cli.hpp"

namespace lo::cli::detail {

// A bad value for a flag, thrown by Value while Boost.PO stores it; Args
// adds the flag's name and turns it into a UsageError.
struct BadValue : po::error_with_option_name {
  BadValue(std::string value, std::string hint)
      : po::error_with_option_name("invalid value"), value(std::move(value)), hint(std::move(hint)) {}
  ~BadValue() noexcept override = default;
  std::string value, hint;
};

// One word (or two: a flag and its value) of a command line.
struct Token {
  enum class Kind { Flag, Positional, Unknown };
  Kind kind = Kind::Positional;
  const po::option_description* flag = nullptr;
  std::string written;               // the flag as written: "--output", "-o"
  std::optional<std::string> value;  // a flag's value (the implicit one when written alone)
  bool missing_value = false;        // the flag was the last word and needs a value
  bool after_dashes = false;         // a positional written after "--"
};

// Reads `words` with kubectl's manners. Strict: an unknown flag or a
// missing value throws UsageError with kubectl's wording. Lenient (for
// completion): they come back as Unknown / missing_value tokens.
std::vector<Token> tokenize(const Options& options, const std::vector<std::string>& words, bool strict);

// The lo::cli::Value of a flag (nullptr for a semantic of another kind).
const Value* value_of(const po::option_description& d);
// 'o' for -o/--output; 0 when the flag has no shorthand.
char shorthand(const po::option_description& d);
// Whether the flag reads a value from the next word when written alone.
bool needs_value(const po::option_description& d);
// "  -o, --output FORMAT   help" lines.
std::string format_flags(const Options& options);

// Splits the words of a multi-command program into the flags before the
// command word (those every command takes), the command word and the rest.
struct CommandLine {
  std::vector<std::string> before;
  std::optional<std::string> word;
  std::vector<std::string> after;
};
CommandLine split_command_word(const std::vector<std::string>& words, bool strict);

}  // namespace lo::cli::detail
