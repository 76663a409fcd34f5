// The in-memory object store: every object as an immutable JSON snapshot,
// one global resourceVersion counter, and a bounded history of change events
// that watches and controllers read from.
//
// Writers compute a new object outside the lock from the snapshot they read,
// then commit it with a compare-and-swap on that snapshot; a writer that lost
// a race recomputes. The lock is held only to swap pointers and append an
// event, never while JSON is serialized or sent.
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace lotest {

using json = nlohmann::json;
using ObjPtr = std::shared_ptr<const json>;

struct WatchEvent {
  uint64_t rv = 0;
  std::string type;      // ADDED, MODIFIED, DELETED
  std::string storeKey;  // "<group>/<plural>"
  std::string ns;
  ObjPtr object;    // the object after the change (for DELETED: the last state)
  ObjPtr previous;  // the object before the change; null for ADDED
};

class Store {
 public:
  explicit Store(size_t historyLimit);

  ObjPtr get(const std::string& key, const std::string& ns, const std::string& name) const;

  struct ListPage {
    std::vector<ObjPtr> items;
    uint64_t rv = 0;        // the store's resourceVersion when listed
    std::string continueAfter;  // "<ns>/<name>" of the last item when more remain
  };
  // Objects of a resource in (namespace, name) order; `ns` empty = all
  // namespaces. `after` ("<ns>/<name>") resumes a paged list; `limit` 0 = all.
  ListPage list(const std::string& key, const std::string& ns,
                const std::function<bool(const json&)>& match, size_t limit,
                const std::string& after) const;

  // Every object of every resource with its store key (the garbage
  // collector's view of the world).
  std::vector<std::pair<std::string, ObjPtr>> all() const;

  enum class Outcome { Ok, Stale, NoNamespace };
  struct Change {
    std::string key;
    std::string ns;
    std::string name;
    ObjPtr expected;                // the snapshot the change is based on (null: absent)
    std::shared_ptr<json> object;   // the new state; null deletes
    bool requireNamespace = false;  // fail with NoNamespace when `ns` does not exist
  };
  // Applies the change if `expected` is still current, stamping a new
  // metadata.resourceVersion. `stored` receives what was stored (or deleted).
  Outcome commit(const Change& change, ObjPtr* stored);

  // Deletes every namespaced object in `ns` (after the namespace is gone).
  void deleteNamespaceContents(const std::string& ns);

  bool namespaceExists(const std::string& ns) const;
  uint64_t currentRV() const;

  // Events newer than `after` for `key` (all keys when empty). `upTo` gets
  // the newest resourceVersion looked at. Returns false when `after` is older
  // than the kept history (the caller answers 410 Gone).
  bool eventsSince(uint64_t after, const std::string& key, std::vector<WatchEvent>* out,
                   uint64_t* upTo) const;
  // The oldest resourceVersion a watch may still start from.
  uint64_t oldestWatchableRV() const;

  // Blocks until a change newer than `after` or the deadline; true on change.
  bool waitForChange(uint64_t after, std::chrono::steady_clock::time_point deadline) const;
  // Wakes every waiter for good (server shutdown).
  void shutdown();
  bool stopping() const { return stopping_; }

 private:
  using Objects = std::map<std::pair<std::string, std::string>, ObjPtr>;
  void appendEvent(WatchEvent ev);  // with mu_ held
  void publish(uint64_t rv);

  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, Objects> objects_;
  uint64_t rv_ = 0;
  std::deque<WatchEvent> history_;
  size_t historyLimit_;
  uint64_t compactedRV_ = 0;  // events up to and including this are gone

  mutable std::mutex waitMu_;
  mutable std::condition_variable waitCv_;
  uint64_t published_ = 0;
  std::atomic<bool> stopping_{false};
};

}  // namespace lotest
