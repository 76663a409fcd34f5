#include "progress.hpp"

#include <sys/ioctl.h>

namespace lo::deploy {
namespace {

size_t terminal_width() {
  winsize ws{};
  if (::ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10) return ws.ws_col;
  return 100;
}

}  // namespace

Progress::Progress(bool results_on_stdout) : results_on_stdout_(results_on_stdout) {}

Progress::~Progress() { clear_status(); }

void Progress::note(const std::string& line, const log::Fields& fields) { log::note(line, fields); }

void Progress::result(const std::string& line, const log::Fields& fields) {
  if (results_on_stdout_) log::print(line);
  else log::note(line, fields);
}

void Progress::ok(const std::string& line, const log::Fields& fields) { log::note(log::green("ok:") + " " + line, fields); }

void Progress::fail(const std::string& line, const log::Fields& fields) {
  log::failure(log::red("fail:") + " " + line, fields);
}

void Progress::status(const std::string& line, bool force) {
  if (!tty()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto now = std::chrono::steady_clock::now();
    if (!force && now - last_draw_ < std::chrono::milliseconds(80)) return;
    last_draw_ = now;
  }
  std::string shown = line;
  size_t width = terminal_width() - 1;
  if (shown.size() > width) shown = shown.substr(0, width - 3) + "...";
  log::status(shown);
}

void Progress::clear_status() { log::clear_status(); }

}  // namespace lo::deploy
