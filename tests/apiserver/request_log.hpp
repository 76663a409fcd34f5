// The log of API requests a test reads back (GET /lo-test/requests): one
// entry per request, in the order they finished, each with the sequence
// number of its arrival, so a test can assert which request came before
// which (e.g. a Deployment deleted before its ConfigMap). Bounded: the
// oldest entries go first past kLimit.
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>

namespace lotest {

using json = nlohmann::json;

struct RequestEntry {
  uint64_t seq = 0;    // arrival order, from 1
  std::string method;  // HTTP method
  std::string verb;    // GET, LIST, WATCH, POST, PUT, PATCH, DELETE
  std::string path;
  std::string query;   // raw, as sent
  int status = 0;
  std::string userAgent;
  bool dryRun = false;            // dryRun=All in the query or DeleteOptions
  std::string propagationPolicy;  // of a DELETE, when given
};

class RequestLog {
 public:
  static constexpr size_t kLimit = 100000;

  uint64_t arrive() { return ++next_; }
  void record(RequestEntry entry);
  json list() const;  // a JSON array, oldest first
  void clear();

 private:
  std::atomic<uint64_t> next_{0};
  mutable std::mutex mu_;
  std::deque<RequestEntry> entries_;
};

// The DELETE options a log entry shows: from the body when there is one,
// else from the query (the server's own rule).
void describeDelete(const std::string& body, const std::string& queryPolicy, bool queryDryRun,
                    RequestEntry& entry);

}  // namespace lotest
