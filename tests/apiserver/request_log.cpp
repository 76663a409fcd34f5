#include "request_log.hpp"

namespace lotest {

void RequestLog::record(RequestEntry entry) {
  std::lock_guard lock(mu_);
  entries_.push_back(std::move(entry));
  while (entries_.size() > kLimit) entries_.pop_front();
}

json RequestLog::list() const {
  std::lock_guard lock(mu_);
  json out = json::array();
  for (const auto& e : entries_) {
    json j = {{"seq", e.seq},       {"method", e.method},       {"verb", e.verb},
              {"path", e.path},     {"query", e.query},         {"status", e.status},
              {"userAgent", e.userAgent}, {"dryRun", e.dryRun}};
    if (!e.propagationPolicy.empty()) j["propagationPolicy"] = e.propagationPolicy;
    out.push_back(std::move(j));
  }
  return out;
}

void RequestLog::clear() {
  std::lock_guard lock(mu_);
  entries_.clear();
}

void describeDelete(const std::string& body, const std::string& queryPolicy, bool queryDryRun, RequestEntry& entry) {
  json options = body.empty() ? json(nullptr) : json::parse(body, nullptr, false);
  if (!options.is_object()) {
    entry.propagationPolicy = queryPolicy;
    entry.dryRun = entry.dryRun || queryDryRun;
    return;
  }
  if (options.contains("propagationPolicy") && options["propagationPolicy"].is_string())
    entry.propagationPolicy = options["propagationPolicy"].get<std::string>();
  if (options.contains("dryRun") && options["dryRun"].is_array() && !options["dryRun"].empty()) entry.dryRun = true;
}

}  // namespace lotest
