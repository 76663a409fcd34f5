// What a deploy shows while it runs, in kapp's spirit:
//
//   on a terminal   one live status line on stderr ("applying 340/1000",
//                   "waiting on 3: deployment.apps/web, ..."), redrawn in
//                   place, with permanent "ok:" / "fail:" lines above it
//   off a terminal  plain lines only, one per event, nothing redrawn
//   --log-format=json  one JSON object per line, with the target and object
//
// Results (one line per object: created/configured/unchanged) go to stdout
// unless -o asked for objects there; then they go to the log. Every line goes
// through lo's log (lo/log.hpp), whose sink owns the live line: lines from
// the apply and watch threads never tear and never land inside it.
#pragma once

#include <chrono>
#include <mutex>
#include <string>

#include "lo/log.hpp"

namespace lo::deploy {

class Progress {
 public:
  explicit Progress(bool results_on_stdout);
  ~Progress();

  void note(const std::string& line, const log::Fields& fields = {});    // a line of the log
  void result(const std::string& line, const log::Fields& fields = {});  // an object's outcome
  void ok(const std::string& line, const log::Fields& fields = {});      // "ok: ..." (green on a terminal)
  void fail(const std::string& line, const log::Fields& fields = {});    // "fail: ..." (red on a terminal)
  // The live line; throttled unless `force`. Off a terminal it prints
  // nothing (callers print plain notes at the start and end of a phase).
  void status(const std::string& line, bool force = false);
  void clear_status();
  bool tty() const { return log::live_status(); }

 private:
  bool results_on_stdout_;
  std::mutex mu_;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace lo::deploy
