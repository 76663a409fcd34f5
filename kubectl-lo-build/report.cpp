#include "kubectl-lo-build/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "lo/log.hpp"

namespace lo::build {
namespace {

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2fs", s);
  return buf;
}

double rounded(double s) { return std::round(s * 1000.0) / 1000.0; }

std::string first_line(const std::string& s) {
  size_t nl = s.find('\n');
  return nl == std::string::npos ? s : s.substr(0, nl) + " [...]";
}

}  // namespace

const char* to_string(Status s) {
  switch (s) {
    case Status::Built: return "built";
    case Status::Unchanged: return "unchanged";
    case Status::Failed: return "failed";
    case Status::Interrupted: return "interrupted";
  }
  return "?";
}

Progress::Progress(bool quiet, bool verbose, std::string domain, const std::vector<std::string>& targets)
    : quiet_(quiet), verbose_(verbose), domain_(std::move(domain)), total_(targets.size()) {
  for (const auto& t : targets) width_ = std::max(width_, t.size());
}

void Progress::redraw() {
  if (running_.empty()) {
    log::clear_status();
    return;
  }
  std::string line = "[" + std::to_string(done_) + "/" + std::to_string(total_) + "] building ";
  size_t shown = 0;
  for (const auto& r : running_) {
    if (shown++ == 3) {
      line += ", ...";
      break;
    }
    line += (shown > 1 ? ", " : "") + r;
  }
  log::status(line);
}

void Progress::started(const std::string& target) {
  if (quiet_) return;
  std::lock_guard<std::mutex> lock(mu_);
  running_.insert(target);
  redraw();
}

void Progress::finished(const TargetResult& r) {
  std::lock_guard<std::mutex> lock(mu_);
  running_.erase(r.name);
  ++done_;
  if (quiet_ || r.status == Status::Interrupted) return;
  std::string status = to_string(r.status);
  std::string padded = status + std::string(10 - status.size(), ' ');
  if (r.status == Status::Built) padded = log::green(padded);
  if (r.status == Status::Failed) padded = log::red(padded);
  if (r.status == Status::Unchanged) padded = log::dim(padded);
  std::string line = "  " + padded + " " + r.name + std::string(width_ > r.name.size() ? width_ - r.name.size() : 0, ' ');
  log::Fields fields{{"domain", domain_}, {"target", r.name}, {"status", status}};
  if (r.status == Status::Failed) {
    line += "  " + first_line(r.error);
  } else {
    line += "  " + std::to_string(r.resources) + (r.resources == 1 ? " resource" : " resources");
    if (r.status == Status::Built) line += "  " + seconds_text(r.seconds);
    if (verbose_ && !r.why.empty()) line += log::dim("  (" + r.why + ")");
    fields.emplace_back("resources", std::to_string(r.resources));
  }
  if (r.status == Status::Failed) log::failure(line, fields);
  else log::note(line, fields);
  redraw();
}

void Progress::clear() {
  std::lock_guard<std::mutex> lock(mu_);
  log::clear_status();
}

Totals count(const std::vector<TargetResult>& results) {
  Totals t;
  for (const auto& r : results) {
    switch (r.status) {
      case Status::Built: ++t.built; break;
      case Status::Unchanged: ++t.unchanged; break;
      case Status::Failed: ++t.failed; break;
      case Status::Interrupted: ++t.interrupted; break;
    }
  }
  return t;
}

std::string summary_line(const std::string& domain, const std::vector<TargetResult>& results, double seconds) {
  Totals t = count(results);
  std::string out = domain + ": " + std::to_string(t.built) + " built, " + std::to_string(t.unchanged) + " unchanged";
  if (t.failed) out += ", " + std::to_string(t.failed) + " failed";
  if (t.interrupted) out += ", " + std::to_string(t.interrupted) + " interrupted";
  out += " (" + std::to_string(results.size()) + (results.size() == 1 ? " target" : " targets") + ") in " +
         seconds_text(seconds);
  return out;
}

Json summary_json(const std::string& domain, const std::vector<TargetResult>& results, double seconds) {
  Totals t = count(results);
  Json targets = Json::array();
  for (const auto& r : results) {
    Json j = {{"name", r.name}, {"status", to_string(r.status)}, {"resources", r.resources},
              {"seconds", rounded(r.seconds)}};
    if (!r.error.empty()) j["error"] = r.error;
    targets.push_back(std::move(j));
  }
  return Json{{"domain", domain},   {"targets", targets},         {"built", t.built},
              {"unchanged", t.unchanged}, {"failed", t.failed}, {"interrupted", t.interrupted},
              {"seconds", rounded(seconds)}};
}

}  // namespace lo::build
