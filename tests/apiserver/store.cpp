#include "store.hpp"

#include <algorithm>

namespace lotest {

namespace {
const std::string kNamespaces = "/namespaces";

std::pair<std::string, std::string> splitAfter(const std::string& after) {
  auto slash = after.find('/');
  if (slash == std::string::npos) return {"", after};
  return {after.substr(0, slash), after.substr(slash + 1)};
}
}  // namespace

Store::Store(size_t historyLimit) : historyLimit_(std::max<size_t>(historyLimit, 16)) {}

ObjPtr Store::get(const std::string& key, const std::string& ns, const std::string& name) const {
  std::shared_lock lock(mu_);
  auto bucket = objects_.find(key);
  if (bucket == objects_.end()) return nullptr;
  auto it = bucket->second.find({ns, name});
  return it == bucket->second.end() ? nullptr : it->second;
}

Store::ListPage Store::list(const std::string& key, const std::string& ns,
                            const std::function<bool(const json&)>& match, size_t limit,
                            const std::string& after) const {
  ListPage page;
  std::vector<std::pair<std::pair<std::string, std::string>, ObjPtr>> candidates;
  {
    std::shared_lock lock(mu_);
    page.rv = rv_;
    auto bucket = objects_.find(key);
    if (bucket == objects_.end()) return page;
    const Objects& objs = bucket->second;
    auto it = after.empty() ? objs.lower_bound({ns, ""}) : objs.upper_bound(splitAfter(after));
    for (; it != objs.end(); ++it) {
      if (!ns.empty() && it->first.first != ns) break;
      candidates.emplace_back(it->first, it->second);
    }
  }
  // Selectors are evaluated outside the lock.
  for (const auto& [k, obj] : candidates) {
    if (match && !match(*obj)) continue;
    if (limit > 0 && page.items.size() == limit) {
      const auto& last = page.items.back();
      const json& meta = (*last)["metadata"];
      page.continueAfter = meta.value("namespace", "") + "/" + meta.value("name", "");
      break;
    }
    page.items.push_back(obj);
  }
  return page;
}

std::vector<std::pair<std::string, ObjPtr>> Store::all() const {
  std::shared_lock lock(mu_);
  std::vector<std::pair<std::string, ObjPtr>> out;
  for (const auto& [key, objs] : objects_)
    for (const auto& [id, obj] : objs) out.emplace_back(key, obj);
  return out;
}

Store::Outcome Store::commit(const Change& change, ObjPtr* stored) {
  uint64_t rv;
  {
    std::unique_lock lock(mu_);
    Objects& objs = objects_[change.key];
    auto it = objs.find({change.ns, change.name});
    ObjPtr current = it == objs.end() ? nullptr : it->second;
    if (current != change.expected) return Outcome::Stale;
    if (change.requireNamespace && !change.ns.empty() &&
        !objects_[kNamespaces].count({"", change.ns}))
      return Outcome::NoNamespace;
    if (!change.object && !current) return Outcome::Stale;

    rv = ++rv_;
    WatchEvent ev;
    ev.rv = rv;
    ev.storeKey = change.key;
    ev.ns = change.ns;
    ev.previous = current;
    if (change.object) {
      (*change.object)["metadata"]["resourceVersion"] = std::to_string(rv);
      ObjPtr next = change.object;
      objs[{change.ns, change.name}] = next;
      ev.type = current ? "MODIFIED" : "ADDED";
      ev.object = next;
    } else {
      auto last = std::make_shared<json>(*current);
      (*last)["metadata"]["resourceVersion"] = std::to_string(rv);
      objs.erase(it);
      ev.type = "DELETED";
      ev.object = last;
    }
    if (stored) *stored = ev.object;
    appendEvent(std::move(ev));
  }
  publish(rv);
  return Outcome::Ok;
}

void Store::deleteNamespaceContents(const std::string& ns) {
  uint64_t rv = 0;
  {
    std::unique_lock lock(mu_);
    for (auto& [key, objs] : objects_) {
      auto it = objs.lower_bound({ns, ""});
      while (it != objs.end() && it->first.first == ns && !ns.empty()) {
        rv = ++rv_;
        auto last = std::make_shared<json>(*it->second);
        (*last)["metadata"]["resourceVersion"] = std::to_string(rv);
        appendEvent({rv, "DELETED", key, ns, last, it->second});
        it = objs.erase(it);
      }
    }
  }
  if (rv) publish(rv);
}

bool Store::namespaceExists(const std::string& ns) const {
  std::shared_lock lock(mu_);
  auto bucket = objects_.find(kNamespaces);
  return bucket != objects_.end() && bucket->second.count({"", ns});
}

uint64_t Store::currentRV() const {
  std::shared_lock lock(mu_);
  return rv_;
}

void Store::appendEvent(WatchEvent ev) {
  history_.push_back(std::move(ev));
  while (history_.size() > historyLimit_) {
    compactedRV_ = history_.front().rv;
    history_.pop_front();
  }
}

bool Store::eventsSince(uint64_t after, const std::string& key, std::vector<WatchEvent>* out,
                        uint64_t* upTo) const {
  std::shared_lock lock(mu_);
  *upTo = std::max(after, rv_);
  if (after < compactedRV_) return false;
  auto it = std::upper_bound(history_.begin(), history_.end(), after,
                             [](uint64_t rv, const WatchEvent& ev) { return rv < ev.rv; });
  for (; it != history_.end(); ++it)
    if (key.empty() || it->storeKey == key) out->push_back(*it);
  return true;
}

uint64_t Store::oldestWatchableRV() const {
  std::shared_lock lock(mu_);
  return compactedRV_;
}

void Store::publish(uint64_t rv) {
  {
    std::lock_guard lock(waitMu_);
    published_ = std::max(published_, rv);
  }
  waitCv_.notify_all();
}

bool Store::waitForChange(uint64_t after, std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock lock(waitMu_);
  return waitCv_.wait_until(lock, deadline, [&] { return published_ > after || stopping_; }) &&
         !stopping_;
}

void Store::shutdown() {
  {
    std::lock_guard lock(waitMu_);
    stopping_ = true;
  }
  waitCv_.notify_all();
}

}  // namespace lotest
