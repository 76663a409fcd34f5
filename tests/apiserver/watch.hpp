// One WATCH request: newline-delimited JSON events read from the store's
// history, filtered by namespace and selectors, with periodic bookmarks, a
// timeout, 410 Gone for resource versions older than the history, and the
// injected "drop the stream after N events" fault.
#pragma once

#include "resources.hpp"
#include "selectors.hpp"
#include "store.hpp"

#include <chrono>
#include <string>

namespace lotest {

struct WatchParams {
  TypePtr type;
  std::string ns;  // empty: all namespaces
  Selector labels;
  Selector fields;
  std::string resourceVersion;  // "" or "0": start with the current objects
  bool bookmarks = false;
  // sendInitialEvents=true (client-go's WatchList): the current objects as
  // ADDED, then a BOOKMARK annotated k8s.io/initial-events-end.
  bool sendInitialEvents = false;
  int timeoutSeconds = 1800;
  int dropAfterEvents = -1;  // fault injection; -1: never
  std::chrono::milliseconds bookmarkInterval{1000};
};

// A resourceVersion query parameter as a number; throws ApiError 400.
uint64_t parseResourceVersion(const std::string& rv);

class WatchStream {
 public:
  WatchStream(Store& store, WatchParams params);

  // Appends the next events to `out`, waiting at most `maxWait` for one.
  // Returns false when the stream is over (timeout, error, shutdown, fault).
  bool next(std::string* out, std::chrono::milliseconds maxWait);
  // True when the stream ended because of an injected drop: the connection
  // is cut without the final chunk, like a broken network.
  bool dropped() const { return dropped_; }

 private:
  void start(std::string* out);
  void emit(std::string* out, const std::string& type, const json& obj);
  void emitBookmark(std::string* out, bool initialEventsEnd = false);
  void emitExpired(std::string* out, uint64_t rv);
  bool matches(const WatchEvent& ev, const ObjPtr& obj) const;
  bool drain(std::string* out);

  Store& store_;
  WatchParams p_;
  bool started_ = false;
  bool over_ = false;
  bool dropped_ = false;
  uint64_t cursor_ = 0;
  int sent_ = 0;
  std::chrono::steady_clock::time_point deadline_;
  std::chrono::steady_clock::time_point lastBookmark_;
};

}  // namespace lotest
