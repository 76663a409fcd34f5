// KubeClient::watch: LIST, then WATCH from the list's resourceVersion with
// bookmarks. A stream that ends or breaks is re-opened from the last version
// seen; a 410 Gone (as an answer or as an ERROR event) means that version is
// too old, so the collection is listed again.
#include <thread>

#include "kube_client_impl.hpp"
#include "lo/json_decode.hpp"
#include "lo/log.hpp"

namespace lo {
namespace {

enum class StreamEnd { Stopped, Ended, Gone, Failed };

}  // namespace

bool KubeClient::watch(const std::string& collection_path, const ListOptions& options, const WatchHandler& handler,
                       std::chrono::steady_clock::time_point deadline, const std::atomic<bool>* cancel) {
  using clock = std::chrono::steady_clock;
  Impl& I = *impl_;
  auto over = [&] { return (cancel && cancel->load()) || clock::now() >= deadline; };
  std::string rv;
  bool need_list = true, listed_once = false;
  int failures = 0;

  while (!over()) {
    if (need_list) {
      if (listed_once && handler(WatchEvent{WatchEvent::Type::Reset, Json()})) return true;
      ListResult lr = list(collection_path, options);
      listed_once = true;
      need_list = false;
      rv = lr.resource_version;
      for (auto& item : lr.items)
        if (handler(WatchEvent{WatchEvent::Type::Listed, std::move(item)})) return true;
      if (over()) break;
    }

    auto left = std::chrono::duration_cast<std::chrono::seconds>(deadline - clock::now()).count();
    long server_timeout = std::max<long>(1, std::min<long>(left + 1, 290));
    std::string path = collection_path + "?watch=true&allowWatchBookmarks=true&timeoutSeconds=" +
                       std::to_string(server_timeout);
    if (!rv.empty()) path += "&resourceVersion=" + url_escape(rv);
    if (!options.label_selector.empty()) path += "&labelSelector=" + url_escape(options.label_selector);
    if (!options.field_selector.empty()) path += "&fieldSelector=" + url_escape(options.field_selector);

    StreamEnd end = StreamEnd::Ended;
    bool progressed = false;
    std::string pending;
    std::string error_text;
    // Each line of the stream is one event: {"type": ..., "object": ...}.
    StreamSink sink = [&](const char* data, size_t len) {
      pending.append(data, len);
      size_t start = 0;
      for (size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
        std::string_view line(pending.data() + start, nl - start);
        if (line.empty() || line == "\r") continue;
        Json ev = decode_json(line, {!options.managed_fields}).value_or(Json());
        if (!ev.is_object()) continue;
        std::string type = ev.value("type", "");
        Json obj = ev.contains("object") ? std::move(ev["object"]) : Json();
        if (type == "ERROR") {
          long code = obj.is_object() ? obj.value("code", 0L) : 0L;
          error_text = obj.is_object() ? obj.value("message", "") : "";
          end = code == 410 ? StreamEnd::Gone : StreamEnd::Failed;
          return false;
        }
        if (obj.is_object() && obj.contains("metadata") && obj["metadata"].is_object())
          rv = obj["metadata"].value("resourceVersion", rv);
        progressed = true;
        WatchEvent::Type t;
        if (type == "ADDED") t = WatchEvent::Type::Added;
        else if (type == "MODIFIED") t = WatchEvent::Type::Modified;
        else if (type == "DELETED") t = WatchEvent::Type::Deleted;
        else continue;  // BOOKMARK: only the resourceVersion matters
        if (handler(WatchEvent{t, std::move(obj)})) {
          end = StreamEnd::Stopped;
          return false;
        }
      }
      pending.erase(0, start);
      return true;
    };

    // The handler runs inside curl's callback: an exception must not cross
    // the C code, so it is carried over and thrown here.
    std::exception_ptr thrown;
    StreamSink guarded = [&](const char* data, size_t len) {
      try {
        return sink(data, len);
      } catch (...) {
        thrown = std::current_exception();
        end = StreamEnd::Stopped;
        return false;
      }
    };
    Transfer t = I.perform("GET", path, "", "", &guarded, deadline, cancel,
                           std::chrono::milliseconds((server_timeout + 30) * 1000));
    if (thrown) std::rethrow_exception(thrown);
    if (end == StreamEnd::Stopped) return true;
    if (progressed) failures = 0;

    if (t.code == CURLE_ABORTED_BY_CALLBACK && !t.stopped_by_sink) break;  // deadline or cancel
    if (end == StreamEnd::Gone || t.status == 410) {
      log::debug(2, "watch " + collection_path + ": resourceVersion " + rv + " is gone; listing again");
      need_list = true;
      continue;
    }
    if (t.code != CURLE_OK && !t.stopped_by_sink) {
      if (!Impl::retryable(t.code) && t.code != CURLE_WRITE_ERROR) throw I.transport_error("GET", path, t);
      log::debug(1, "watch " + collection_path + " broke (" + t.error + "); resuming from resourceVersion " + rv);
    } else if (end == StreamEnd::Failed) {
      log::debug(1, "watch " + collection_path + " sent an error (" + error_text + "); watching again");
    } else if (t.status != 200 && !Impl::retryable_status(t.status)) {
      throw I.answer_error("GET", path, t.status, t.body);
    }
    // The stream ended (server timeout, dropped connection, error): resume
    // from the last version seen, at once when it delivered something.
    ++I.retries;
    if (progressed) continue;
    if (++failures > 30) throw I.transport_error("GET", path, t);
    auto wait = I.backoff(std::min(failures, 6));
    if (t.retry_after) wait = std::chrono::seconds(std::min<long>(*t.retry_after, I.options.retry_after_max.count()));
    auto until = std::min(deadline, clock::now() + wait);
    while (!over() && clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace lo
