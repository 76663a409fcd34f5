// What a deploy shows while it runs, in kapp's spirit:
//
//   on a terminal   one live status line on stderr ("applying 340/1000",
//                   "waiting on 3: deployment.apps/web, ..."), redrawn in
//                   place, with permanent "ok:" / "fail:" lines above it
//   off a terminal  plain lines only, one per event, nothing redrawn
//
// Results (one line per object: created/configured/unchanged) go to stdout
// unless -o asked for objects there; then they go to stderr. All output goes
// through here, under one lock, so lines never tear. A permanent line erases
// the live line; the next status() draws it again, current.
#pragma once

#include <chrono>
#include <mutex>
#include <string>

namespace lo::deploy {

class Progress {
 public:
  Progress(bool tty, bool results_on_stdout);
  ~Progress();

  void note(const std::string& line);    // a plain line on stderr
  void result(const std::string& line);  // an object's outcome
  void ok(const std::string& line);      // "ok: ..." (green on a terminal)
  void fail(const std::string& line);    // "fail: ..." (red on a terminal)
  // The live line; throttled unless `force`. Off a terminal it prints
  // nothing (callers print plain notes at the start and end of a phase).
  void status(const std::string& line, bool force = false);
  void clear_status();
  bool tty() const { return tty_; }

 private:
  void erase_locked();
  void draw_locked();
  bool tty_;
  bool results_on_stdout_;
  std::mutex mu_;
  std::string status_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace lo::deploy
