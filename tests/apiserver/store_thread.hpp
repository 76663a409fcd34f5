// The thread of a loop that follows the store's event history (the
// controllers, the garbage collector). stop() shuts the store down, which
// ends the loop's waits, and joins the thread; the destructor stops it, so
// declare it after everything the loop uses.
#pragma once

#include <functional>
#include <thread>
#include <utility>

#include "store.hpp"

namespace lotest {

class StoreThread {
 public:
  explicit StoreThread(Store& store) : store_(store) {}
  ~StoreThread() { stop(); }
  StoreThread(const StoreThread&) = delete;
  StoreThread& operator=(const StoreThread&) = delete;

  void start(std::function<void()> loop) { thread_ = std::thread(std::move(loop)); }
  void stop() {
    if (!thread_.joinable()) return;
    store_.shutdown();
    thread_.join();
  }

 private:
  Store& store_;
  std::thread thread_;
};

}  // namespace lotest
