// Private parts of KubeClient shared by http.cpp, discovery.cpp, apply.cpp
// and watch.cpp. Not installed, not included outside common/src.
#pragma once

#include <curl/curl.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "lo/kube_client.hpp"

namespace lo {

// At most N holders at once.
class Slots {
 public:
  explicit Slots(size_t n) : free_(n ? n : 1) {}
  void acquire() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return free_ > 0; });
    --free_;
  }
  void release() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++free_;
    }
    cv_.notify_one();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  size_t free_;
};

struct GroupVersionDoc {
  bool served = false;
  std::vector<ResourceInfo> resources;
};

// Bytes of a streamed 200 answer; return false to stop the transfer.
using StreamSink = std::function<bool(const char* data, size_t len)>;

struct Transfer {
  CURLcode code = CURLE_OK;
  long status = 0;
  std::string body;  // whole body, or the error body of a streamed request
  std::optional<long> retry_after;  // seconds
  std::optional<long> ratelimit_reset;  // RateLimit-Reset: when the budget refills (Unix seconds)
  std::string error;                // curl's error text (never holds secrets)
  bool stopped_by_sink = false;
  long millis = 0;
  uint64_t generation = 0;  // of the credentials the request was sent with
};

struct KubeClient::Impl {
  Impl(KubeConfig cfg, ClientOptions opts);
  ~Impl();

  KubeConfig config;
  ClientOptions options;
  CredentialSource creds;
  std::string base_url;    // scheme://host:port[/prefix], host = tls-server-name when set
  std::string connect_to;  // curl CONNECT_TO entry when tls-server-name is set
  bool plain_http = false;

  Slots slots;

  struct Handle {
    CURL* curl = nullptr;
    uint64_t generation = 0;
  };
  std::mutex pool_mu;
  std::vector<Handle> pool;
  Handle take_handle(uint64_t generation);
  void give_handle(Handle h);

  std::mutex disc_mu;
  std::map<std::string, std::shared_ptr<const GroupVersionDoc>> discovery;
  std::optional<Json> group_list;  // /apis, read once for group-kind lookups

  std::atomic<uint64_t> requests{0}, retries{0};

  // One HTTP exchange, no retries. With a sink, a 200 body is streamed to it.
  Transfer perform(const std::string& method, const std::string& path, const std::string& body,
                   const std::string& content_type, const StreamSink* sink,
                   std::chrono::steady_clock::time_point deadline, const std::atomic<bool>* cancel,
                   std::chrono::milliseconds timeout);

  // The error a failed transfer or answer stands for.
  ApiError transport_error(const std::string& method, const std::string& path, const Transfer& t) const;
  ApiError answer_error(const std::string& method, const std::string& path, long status,
                        const std::string& body) const;

  std::chrono::milliseconds backoff(int attempt) const;
  static bool retryable(CURLcode code);
  static bool retryable_status(long status) {
    return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
  }
};

}  // namespace lo
