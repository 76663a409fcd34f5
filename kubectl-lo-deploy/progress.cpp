#include "progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>

#include "lo/log.hpp"

namespace lo::deploy {
namespace {

size_t terminal_width() {
  winsize ws{};
  if (::ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10) return ws.ws_col;
  return 100;
}

void put(FILE* f, const std::string& s) {
  std::fwrite(s.data(), 1, s.size(), f);
  std::fflush(f);
}

}  // namespace

Progress::Progress(bool tty, bool results_on_stdout) : tty_(tty), results_on_stdout_(results_on_stdout) {}

Progress::~Progress() { clear_status(); }

void Progress::erase_locked() {
  if (tty_ && drawn_) {
    put(stderr, "\r\033[K");
    drawn_ = false;
  }
}

void Progress::draw_locked() {
  if (!tty_ || status_.empty()) return;
  std::string line = status_;
  size_t width = terminal_width() - 1;
  if (line.size() > width) line = line.substr(0, width - 3) + "...";
  put(stderr, "\r\033[K" + log::dim(line));
  drawn_ = true;
  last_draw_ = std::chrono::steady_clock::now();
}

void Progress::note(const std::string& line) {
  std::lock_guard<std::mutex> lock(mu_);
  erase_locked();
  put(stderr, line + "\n");
}

void Progress::result(const std::string& line) {
  std::lock_guard<std::mutex> lock(mu_);
  erase_locked();
  std::fflush(stdout);
  put(results_on_stdout_ ? stdout : stderr, line + "\n");
}

void Progress::ok(const std::string& line) {
  std::lock_guard<std::mutex> lock(mu_);
  erase_locked();
  put(stderr, log::green("ok:") + " " + line + "\n");
}

void Progress::fail(const std::string& line) {
  std::lock_guard<std::mutex> lock(mu_);
  erase_locked();
  put(stderr, log::red("fail:") + " " + line + "\n");
}

void Progress::status(const std::string& line, bool force) {
  std::lock_guard<std::mutex> lock(mu_);
  status_ = line;
  if (!tty_) return;
  if (!force && drawn_ && std::chrono::steady_clock::now() - last_draw_ < std::chrono::milliseconds(80)) return;
  draw_locked();
}

void Progress::clear_status() {
  std::lock_guard<std::mutex> lock(mu_);
  erase_locked();
  status_.clear();
}

}  // namespace lo::deploy
