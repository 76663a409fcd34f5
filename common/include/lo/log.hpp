// Human output on stderr: "error:" / "warning:" lines and progress notes.
// Colour only on a terminal and only when NO_COLOR is unset.
#pragma once

#include <string>

#include "lo/error.hpp"

namespace lo::log {

void set_verbosity(int level);
int verbosity();
bool stderr_is_tty();
bool stdout_is_tty();
bool color(bool to_stdout = false);

// "<prefix>: error: <problem>" or "<prefix>: warning: <problem>".
void problem(const std::string& prefix, const Problem& p);
void warning(const std::string& prefix, const std::string& what, const std::string& hint = {});
// A plain line on stderr (progress, notes).
void note(const std::string& line);
// Only at verbosity >= level.
void debug(int level, const std::string& line);

// Paint text for a terminal; unchanged when colour is off for the stream it
// goes to (stderr by default, stdout with to_stdout).
std::string green(const std::string& s, bool to_stdout = false);
std::string red(const std::string& s, bool to_stdout = false);
std::string yellow(const std::string& s, bool to_stdout = false);
std::string bold(const std::string& s, bool to_stdout = false);
std::string dim(const std::string& s, bool to_stdout = false);

}  // namespace lo::log
