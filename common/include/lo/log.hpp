// Every log line of a lo process goes through one spdlog logger on stderr
// (spdlog's default logger, named after the binary). Its sink takes one
// lock per line, so lines from worker threads never interleave, and it owns
// the live status line of a terminal, so a log line never lands inside it.
//
//   -v    0  errors, warnings and results ("lok8s.dev: 2 built ..."), 1 info,
//            2-5 debug, 6+ HTTP requests (trace; never a header or body, so
//            no token or key can reach a line)
//   text  lo's lines as they always were: "kubectl lo: error: <file>:<line>:
//         <field>: <what>" and "  hint: ..."; colour only on a terminal,
//         never with NO_COLOR or TERM=dumb
//   json  --log-format=json: one object per line with time, level, binary,
//         message and the line's fields (domain, target, object, file, ...)
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "lo/error.hpp"

namespace lo::log {

enum class Format { Text, Json };
// Structured context of a line: shown as keys in JSON, not in text.
using Fields = std::vector<std::pair<std::string, std::string>>;

// Sets up the logger: the binary's name, -v and --log-format. lo::cli::main
// calls it once the flags are parsed; before that (and in unit tests) lines
// are text at verbosity 0.
void init(const std::string& binary, int verbosity, Format format);
int verbosity();
Format format();

bool stderr_is_tty();
bool stdout_is_tty();
// Colour for stderr (default) or stdout: only on a terminal, never with
// NO_COLOR or TERM=dumb, never in JSON logs.
bool color(bool to_stdout = false);

// "<prefix>: error: <problem>" or "<prefix>: warning: <problem>".
void problem(const std::string& prefix, const Problem& p);
void warning(const std::string& prefix, const std::string& what, const std::string& hint = {});
// A result line: always shown (build's summary, "stopped tilt", ...).
void note(const std::string& line, const Fields& fields = {});
// A failure that is not a Problem (deploy's "fail: ..."): error level.
void failure(const std::string& line, const Fields& fields = {});
// Only at -v >= level: level 1 is info, 2-5 debug, 6 and more trace.
void debug(int level, const std::string& line, const Fields& fields = {});

// The live line on a terminal ("[3/20] building web, api"), redrawn in
// place below the log lines; nothing off a terminal or with JSON logs.
bool live_status();
void status(const std::string& line);
void clear_status();
// A line on stdout (a result) that must not land inside the live line.
void print(const std::string& line);

// Paint text for a terminal; unchanged when colour is off for the stream it
// goes to (stderr by default, stdout with to_stdout).
std::string green(const std::string& s, bool to_stdout = false);
std::string red(const std::string& s, bool to_stdout = false);
std::string yellow(const std::string& s, bool to_stdout = false);
std::string bold(const std::string& s, bool to_stdout = false);
std::string dim(const std::string& s, bool to_stdout = false);

}  // namespace lo::log
