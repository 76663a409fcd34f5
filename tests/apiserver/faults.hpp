// Test controls: injected faults (errors, Retry-After, slow answers, dropped
// watches, conflicts) and request counters.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <mutex>
#include <regex>
#include <string>
#include <vector>

namespace lotest {

using json = nlohmann::json;

// What to do to one request; the zero value does nothing.
struct FaultAction {
  int delayMs = 0;
  int status = 0;      // answer with this HTTP code (and a Status object)
  int retryAfter = -1;  // seconds, sent as Retry-After
  bool conflict = false;
  int dropWatchAfterEvents = -1;
};

class Faults {
 public:
  // Appends rules: a JSON array of objects (or one object). Throws
  // ApiError 400 when a rule is malformed.
  void add(const json& rules);
  void clear();
  json list() const;
  // The first rule matching the request, counting it against its `times`.
  // `method` is the HTTP method, `verb` the API verb (GET, LIST, WATCH...).
  FaultAction match(const std::string& method, const std::string& verb, const std::string& path,
                    bool isWatch);

 private:
  struct Rule {
    std::string method;
    std::string pathText;
    std::regex path;
    FaultAction action;
    int times = 1;  // -1: forever
  };
  mutable std::mutex mu_;
  std::vector<Rule> rules_;
};

// Counts API requests by verb: GET, LIST, WATCH, POST, PUT, PATCH, DELETE.
class Stats {
 public:
  void count(const std::string& verb);
  json snapshot() const;
  void reset();

 private:
  mutable std::mutex mu_;
  uint64_t total_ = 0;
  std::map<std::string, uint64_t> byVerb_;
};

}  // namespace lotest
