#include "lo/log.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace lo::log {
namespace {
int g_verbosity = 0;
std::mutex g_mu;

void write_err(const std::string& s) {
  std::lock_guard<std::mutex> lock(g_mu);
  std::fwrite(s.data(), 1, s.size(), stderr);
  std::fflush(stderr);
}

std::string paint(const char* code, const std::string& s, bool to_stdout) {
  if (!color(to_stdout)) return s;
  return std::string("\033[") + code + "m" + s + "\033[0m";
}
}  // namespace

void set_verbosity(int level) { g_verbosity = level; }
int verbosity() { return g_verbosity; }
bool stderr_is_tty() { return ::isatty(2) == 1; }
bool stdout_is_tty() { return ::isatty(1) == 1; }
bool color(bool to_stdout) {
  static const bool allowed = [] {
    const char* nc = std::getenv("NO_COLOR");
    if (nc && *nc) return false;
    const char* term = std::getenv("TERM");
    return !(term && std::string(term) == "dumb");
  }();
  static const bool err_tty = stderr_is_tty();
  static const bool out_tty = stdout_is_tty();
  return allowed && (to_stdout ? out_tty : err_tty);
}

std::string green(const std::string& s, bool to_stdout) { return paint("32", s, to_stdout); }
std::string red(const std::string& s, bool to_stdout) { return paint("31", s, to_stdout); }
std::string yellow(const std::string& s, bool to_stdout) { return paint("33", s, to_stdout); }
std::string bold(const std::string& s, bool to_stdout) { return paint("1", s, to_stdout); }
std::string dim(const std::string& s, bool to_stdout) { return paint("2", s, to_stdout); }

void problem(const std::string& prefix, const Problem& p) {
  std::string tag = p.severity == Severity::Error ? red("error:") : yellow("warning:");
  write_err(prefix + ": " + tag + " " + format_problem(p) + "\n");
}

void warning(const std::string& prefix, const std::string& what, const std::string& hint) {
  problem(prefix, Problem{Severity::Warning, {}, what, hint});
}

void note(const std::string& line) { write_err(line + "\n"); }

void debug(int level, const std::string& line) {
  if (g_verbosity >= level) write_err(dim(line) + "\n");
}

}  // namespace lo::log
