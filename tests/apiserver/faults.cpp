#include "faults.hpp"

#include "api_error.hpp"

#include <algorithm>
#include <cctype>

namespace lotest {
namespace {

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

int intField(const json& rule, const char* key, int fallback) {
  if (!rule.contains(key)) return fallback;
  if (!rule[key].is_number_integer()) throw badRequest(std::string("fault rule: ") + key + " must be an integer");
  return rule[key].get<int>();
}

}  // namespace

void Faults::add(const json& rules) {
  json list = rules.is_array() ? rules : json::array({rules});
  std::vector<Rule> parsed;
  for (const auto& r : list) {
    if (!r.is_object()) throw badRequest("fault rule: each rule must be an object");
    Rule rule;
    rule.method = upper(r.value("method", ""));
    rule.pathText = r.value("pathRegex", "");
    try {
      rule.path = std::regex(rule.pathText.empty() ? ".*" : rule.pathText, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      throw badRequest("fault rule: bad pathRegex: " + std::string(e.what()));
    }
    rule.action.status = intField(r, "status", 0);
    rule.action.retryAfter = intField(r, "retryAfter", -1);
    rule.action.delayMs = intField(r, "delayMs", 0);
    rule.action.dropWatchAfterEvents = intField(r, "dropWatchAfterEvents", -1);
    rule.action.conflict = r.value("conflict", false);
    rule.times = intField(r, "times", 1);
    if (rule.action.status != 0 && (rule.action.status < 100 || rule.action.status > 599))
      throw badRequest("fault rule: status must be an HTTP code");
    parsed.push_back(std::move(rule));
  }
  std::lock_guard lock(mu_);
  for (auto& rule : parsed)
    if (rule.times != 0) rules_.push_back(std::move(rule));  // times 0: nothing to do
}

void Faults::clear() {
  std::lock_guard lock(mu_);
  rules_.clear();
}

json Faults::list() const {
  std::lock_guard lock(mu_);
  json out = json::array();
  for (const auto& r : rules_) {
    json j = {{"times", r.times}};
    if (!r.method.empty()) j["method"] = r.method;
    if (!r.pathText.empty()) j["pathRegex"] = r.pathText;
    if (r.action.status) j["status"] = r.action.status;
    if (r.action.retryAfter >= 0) j["retryAfter"] = r.action.retryAfter;
    if (r.action.delayMs) j["delayMs"] = r.action.delayMs;
    if (r.action.dropWatchAfterEvents >= 0) j["dropWatchAfterEvents"] = r.action.dropWatchAfterEvents;
    if (r.action.conflict) j["conflict"] = true;
    out.push_back(j);
  }
  return out;
}

FaultAction Faults::match(const std::string& method, const std::string& verb,
                          const std::string& path, bool isWatch) {
  std::lock_guard lock(mu_);
  for (auto it = rules_.begin(); it != rules_.end(); ++it) {
    if (!it->method.empty() && it->method != method && it->method != verb) continue;
    // A rule that only drops watch streams waits for a watch.
    bool watchOnly = it->action.dropWatchAfterEvents >= 0 && it->action.status == 0 &&
                     !it->action.conflict;
    if (watchOnly && !isWatch) continue;
    if (!std::regex_search(path, it->path)) continue;
    FaultAction action = it->action;
    if (!isWatch) action.dropWatchAfterEvents = -1;
    if (it->times > 0 && --it->times == 0) rules_.erase(it);
    return action;
  }
  return {};
}

void Stats::count(const std::string& verb) {
  std::lock_guard lock(mu_);
  ++total_;
  ++byVerb_[verb];
}

json Stats::snapshot() const {
  std::lock_guard lock(mu_);
  json by = json::object();
  for (const auto& [verb, n] : byVerb_) by[verb] = n;
  return {{"requests", total_}, {"byVerb", by}};
}

void Stats::reset() {
  std::lock_guard lock(mu_);
  total_ = 0;
  byVerb_.clear();
}

}  // namespace lotest
