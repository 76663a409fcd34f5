#include "watch.hpp"

#include "api_error.hpp"

namespace lotest {

using Clock = std::chrono::steady_clock;

WatchStream::WatchStream(Store& store, WatchParams params) : store_(store), p_(std::move(params)) {
  deadline_ = Clock::now() + std::chrono::seconds(p_.timeoutSeconds);
  lastBookmark_ = Clock::now();
}

void WatchStream::emit(std::string* out, const std::string& type, const json& obj) {
  // Objects keep the version they were written in; a watch answers in its own.
  const std::string gv = p_.type->groupVersion();
  std::string body;
  if (obj.value("apiVersion", "") == gv) {
    body = obj.dump();
  } else {
    json copy = obj;
    copy["apiVersion"] = gv;
    body = copy.dump();
  }
  *out += "{\"type\":\"" + type + "\",\"object\":" + body + "}\n";
  if (p_.dropAfterEvents >= 0 && ++sent_ >= p_.dropAfterEvents) {
    over_ = true;
    dropped_ = true;
  }
}

void WatchStream::emitBookmark(std::string* out, bool initialEventsEnd) {
  json obj = {{"kind", p_.type->kind},
              {"apiVersion", p_.type->groupVersion()},
              {"metadata", {{"resourceVersion", std::to_string(cursor_)}}}};
  if (initialEventsEnd) obj["metadata"]["annotations"] = {{"k8s.io/initial-events-end", "true"}};
  *out += "{\"type\":\"BOOKMARK\",\"object\":" + obj.dump() + "}\n";
  lastBookmark_ = Clock::now();
}

void WatchStream::emitExpired(std::string* out, uint64_t rv) {
  json status = statusObject(410, "Expired",
                             "too old resource version: " + std::to_string(rv) + " (" +
                                 std::to_string(store_.oldestWatchableRV() + 1) + ")");
  *out += "{\"type\":\"ERROR\",\"object\":" + status.dump() + "}\n";
  over_ = true;
}

bool WatchStream::matches(const WatchEvent& ev, const ObjPtr& obj) const {
  if (!obj) return false;
  if (!p_.ns.empty() && ev.ns != p_.ns) return false;
  return p_.labels.matches(*obj) && p_.fields.matches(*obj);
}

void WatchStream::start(std::string* out) {
  started_ = true;
  const std::string& rv = p_.resourceVersion;
  if (rv.empty() || rv == "0" || p_.sendInitialEvents) {
    auto match = [this](const json& o) { return p_.labels.matches(o) && p_.fields.matches(o); };
    Store::ListPage page = store_.list(p_.type->storeKey(), p_.ns, match, 0, "");
    cursor_ = page.rv;
    for (const auto& obj : page.items) {
      if (over_) return;
      emit(out, "ADDED", *obj);
    }
    if (p_.sendInitialEvents && !over_) emitBookmark(out, true);
    return;
  }
  cursor_ = parseResourceVersion(rv);
}

uint64_t parseResourceVersion(const std::string& rv) {
  try {
    size_t used = 0;
    uint64_t n = std::stoull(rv, &used);
    if (used == rv.size() && rv[0] != '-') return n;
  } catch (const std::exception&) {
  }
  throw badRequest("invalid resource version \"" + rv + "\"");
}

// Emits what happened since the cursor; false when nothing was emitted.
bool WatchStream::drain(std::string* out) {
  std::vector<WatchEvent> events;
  uint64_t upTo = cursor_;
  if (!store_.eventsSince(cursor_, p_.type->storeKey(), &events, &upTo)) {
    emitExpired(out, cursor_);
    return true;
  }
  size_t before = out->size();
  for (const auto& ev : events) {
    if (over_) break;
    bool now = matches(ev, ev.type == "DELETED" ? ev.previous : ev.object);
    bool was = ev.type == "MODIFIED" && matches(ev, ev.previous);
    if (ev.type == "DELETED") {
      if (now) emit(out, "DELETED", *ev.object);
    } else if (now && was) {
      emit(out, "MODIFIED", *ev.object);
    } else if (now) {
      emit(out, "ADDED", *ev.object);
    } else if (was) {
      emit(out, "DELETED", *ev.object);  // it left the selector
    }
    cursor_ = ev.rv;
  }
  if (!over_) cursor_ = upTo;
  return out->size() > before;
}

bool WatchStream::next(std::string* out, std::chrono::milliseconds maxWait) {
  if (over_) return false;
  if (!started_) {
    start(out);
    if (over_) return false;
  }
  if (drain(out)) return !over_;
  if (over_) return false;

  auto now = Clock::now();
  if (now >= deadline_ || store_.stopping()) return false;
  if (p_.bookmarks && now - lastBookmark_ >= p_.bookmarkInterval) {
    emitBookmark(out);
    return true;
  }
  auto until = std::min(deadline_, now + maxWait);
  if (p_.bookmarks) until = std::min(until, lastBookmark_ + p_.bookmarkInterval);
  if (store_.waitForChange(cursor_, until)) drain(out);
  return !over_ && !store_.stopping();
}

}  // namespace lotest
