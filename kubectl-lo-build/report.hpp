// What a build tells the user. Status goes to the log (stderr), data to stdout.
//
// On a terminal: one line per finished target (built / unchanged / failed,
// resource count, time) and, below them, a live line naming the targets
// still building. Off a terminal: the same finished lines, nothing live.
// With --log-format=json each line is a JSON object with domain and target.
// Lines go through lo's log (lo/log.hpp), so the workers never tear them.
// Then a one-line summary and, for each failure, kustomize's own message.
// With -o json: a single JSON document on stdout instead.
#pragma once

#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "lo/yaml_json.hpp"

namespace lo::build {

enum class Status { Built, Unchanged, Failed, Interrupted };
const char* to_string(Status s);

struct TargetResult {
  std::string name;
  Status status = Status::Interrupted;
  size_t resources = 0;
  double seconds = 0;
  std::string error;  // failed: the tool's (or lo's) message
  std::string why;    // built: why the cache did not hold (for -v)
  std::string yaml;   // --stdout: the built YAML
};

class Progress {
 public:
  // `quiet`: print nothing per target (for -o json and --stdout).
  Progress(bool quiet, bool verbose, std::string domain, const std::vector<std::string>& targets);
  void started(const std::string& target);
  void finished(const TargetResult& r);
  void clear();  // removes the live line before the summary

 private:
  void redraw();  // caller holds mu_
  std::mutex mu_;
  bool quiet_, verbose_;
  std::string domain_;
  size_t total_, width_ = 0, done_ = 0;
  std::set<std::string> running_;
};

struct Totals {
  size_t built = 0, unchanged = 0, failed = 0, interrupted = 0;
};
Totals count(const std::vector<TargetResult>& results);

// "lok8s.dev: 2 built, 17 unchanged, 1 failed (20 targets) in 0.41s"
std::string summary_line(const std::string& domain, const std::vector<TargetResult>& results, double seconds);

Json summary_json(const std::string& domain, const std::vector<TargetResult>& results, double seconds);

}  // namespace lo::build
