// A Kubernetes API client over libcurl: what `kubectl lo deploy` (and later
// status/bootstrap) needs, done the way client-go does it where it matters.
//
//   transport   HTTPS with TLS verification (off only when the kubeconfig
//               says insecure-skip-tls-verify), client certificates, keys and
//               CAs handed to curl as in-memory blobs (nothing secret touches
//               the disk), bearer tokens, exec credential plugins (re-run on
//               expiry and after a 401), tls-server-name, proxy-url.
//   reuse       a pool of curl handles; each keeps its connection alive, so
//               a run of requests costs one TLS handshake per handle.
//   bounds      at most `max_in_flight` requests at once (default 16) and a
//               per-request timeout.
//   retries     429, 500, 502, 503, 504 and broken connections are retried
//               with exponential backoff and jitter, honouring Retry-After,
//               at most `max_retries` times.
//   discovery   a REST mapper (apiVersion + kind -> resource, namespaced?)
//               reading only the group-version documents it needs, refreshed
//               per group-version (after a CRD becomes Established).
//   apply       server-side apply (PATCH application/apply-patch+yaml,
//               fieldManager, force only when asked, dryRun=All); a 409
//               names every conflicting field and its manager.
//   delete      DELETE with DeleteOptions (propagationPolicy, dryRun, a uid
//               precondition), telling gone from held by finalizers.
//   watch       LIST then WATCH from the list's resourceVersion with
//               bookmarks; a dropped stream resumes from the last version
//               seen; 410 Gone re-lists.
//
// Decoding: every JSON answer is read by RapidJSON into nlohmann values
// (lo/json_decode.hpp).
//
// Logging: -v=6 shows method, URL, status and duration of each request;
// -v=1 shows retries. Headers and bodies are never logged: tokens, keys and
// certificates cannot reach a log line or an error message.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lo/error.hpp"
#include "lo/kubeconfig.hpp"

namespace lo {

using Json = nlohmann::ordered_json;

struct ClientOptions {
  size_t max_in_flight = 16;
  std::chrono::milliseconds request_timeout{std::chrono::seconds(30)};
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  int max_retries = 8;
  std::chrono::milliseconds backoff_base{200};
  std::chrono::milliseconds backoff_max{std::chrono::seconds(10)};
  std::chrono::seconds retry_after_max{60};
  // false: a POST is sent again only after a 429 or a refused connection,
  // never after a 5xx or a lost answer (the server may have acted on it).
  bool retry_post = true;
  std::string user_agent;  // empty: "lo/<version>"
};

struct Response {
  long status = 0;
  std::string body;
  // The body as JSON; a null value when it is not JSON.
  Json json() const;
};

// The server said no (a Status object or a bare HTTP error), or it could not
// be reached after the retries (status 0).
class ApiError : public Error {
 public:
  ApiError(long status, std::string reason, std::string message, Json details, std::string what,
           std::string hint = {});
  long status() const { return status_; }
  const std::string& reason() const { return reason_; }
  // The server's own words (Status.message), or the transport failure.
  const std::string& message() const { return message_; }
  const Json& details() const { return details_; }

 private:
  long status_;
  std::string reason_, message_;
  Json details_;
};

// One served resource of a group-version.
struct ResourceInfo {
  std::string group;     // "" for the core group
  std::string version;
  std::string kind;
  std::string resource;  // plural, e.g. deployments
  bool namespaced = false;

  std::string api_version() const { return group.empty() ? version : group + "/" + version; }
  // kubectl's way to name the type: "deployment.apps", "configmap".
  std::string type_name() const;
};

// One field another manager owns (from a 409 on apply).
struct FieldConflict {
  std::string field;    // .spec.replicas
  std::string manager;  // kubectl-client-side-apply
  std::string detail;   // the server's cause message
};
std::vector<FieldConflict> conflicts_of(const ApiError& e);

struct ApplyOptions {
  std::string field_manager = "lo";
  bool force = false;    // take fields over from other managers
  bool dry_run = false;  // dryRun=All: nothing is persisted
};

struct ApplyResult {
  bool created = false;  // 201 (dry run: would be created)
  Json object;           // the object as the server returned it
};

struct DeleteOptions {
  std::string propagation = "Background";  // Background, Foreground or Orphan
  bool dry_run = false;                     // dryRun=All: nothing is deleted
  std::string uid;                          // precondition: only this very object
};

struct DeleteResult {
  enum class State {
    Gone,     // deleted (or, in a dry run, would be)
    Pending,  // has a deletionTimestamp: finalizers hold it for now
    Absent,   // was not there (404)
    Replaced, // another object of that name took its place (uid precondition)
  };
  State state = State::Gone;
  Json object;  // the object when the server answered with it
};

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  // false: items (and watched objects) come without metadata.managedFields,
  // never decoded (lo/json_decode.hpp), for readers that do not use them.
  bool managed_fields = true;
};

struct ListResult {
  std::string resource_version;
  std::vector<Json> items;
};

struct WatchEvent {
  enum class Type {
    Listed,    // an object of a (re)list: the current state
    Reset,     // a re-list is about to start (after 410 Gone): forget what was listed
    Added,
    Modified,
    Deleted,
  };
  Type type;
  Json object;
};
// Return true to stop watching.
using WatchHandler = std::function<bool(const WatchEvent&)>;

class KubeClient {
 public:
  KubeClient(KubeConfig config, ClientOptions options = {});
  ~KubeClient();
  KubeClient(const KubeClient&) = delete;
  KubeClient& operator=(const KubeClient&) = delete;

  const KubeConfig& config() const;
  CredentialSource& credentials();

  // --- raw requests (path is below the server URL and may carry a query) ---
  // Retries as described above; any HTTP status is returned; throws ApiError
  // (status 0) when the server cannot be reached.
  Response request(const std::string& method, const std::string& path, const std::string& body = {},
                   const std::string& content_type = {});
  // GET a JSON document; throws ApiError on any non-2xx answer.
  Json get_json(const std::string& path);

  // --- discovery / REST mapping ---
  // nullopt when the group-version is not served or has no such kind.
  std::optional<ResourceInfo> find_resource(const std::string& api_version, const std::string& kind);
  // Like find_resource, but throws lo::Error with a hint.
  ResourceInfo require_resource(const std::string& api_version, const std::string& kind);
  // The resource of a kind in its group's preferred version (then the other
  // served versions), like kubectl's RESTMapping(GroupKind); nullopt when
  // no served version has it.
  std::optional<ResourceInfo> find_group_kind(const std::string& group, const std::string& kind);
  // Forget what is known about one group-version (re-read on next use).
  void refresh_discovery(const std::string& api_version);
  // Reads the documents of these group-versions in parallel (warm-up).
  void prefetch_discovery(const std::vector<std::string>& api_versions);

  static std::string collection_path(const ResourceInfo& r, const std::string& ns);
  static std::string object_path(const ResourceInfo& r, const std::string& ns, const std::string& name);

  // --- objects ---
  std::optional<Json> get_object(const ResourceInfo& r, const std::string& ns, const std::string& name);
  // Server-side apply of one object (its namespace must already be set for
  // namespaced resources). Throws ApiError; conflicts_of() lists a 409.
  ApplyResult apply(const ResourceInfo& r, const Json& object, const ApplyOptions& options);
  // DELETE of one object with DeleteOptions. Throws ApiError for answers
  // other than 200, 202, 404 and a failed uid precondition (409).
  DeleteResult remove(const ResourceInfo& r, const std::string& ns, const std::string& name,
                      const DeleteOptions& options);
  // Every page of a collection.
  ListResult list(const std::string& collection_path, const ListOptions& options = {});
  // Lists, then follows changes until `handler` returns true (-> true), the
  // deadline passes or *cancel turns true (-> false). Throws ApiError on a
  // refusal that retrying cannot fix (403, 404).
  bool watch(const std::string& collection_path, const ListOptions& options, const WatchHandler& handler,
             std::chrono::steady_clock::time_point deadline, const std::atomic<bool>* cancel = nullptr);

  // --- counters ---
  struct Stats {
    uint64_t requests = 0;  // HTTP requests sent, retries included
    uint64_t retries = 0;
  };
  Stats stats() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// Throws lo::Error when `api_version` is not VERSION or GROUP/VERSION (so it
// can never reach outside its place in a URL).
void check_api_version(const std::string& api_version);

// Percent-encodes a query value or path segment.
std::string url_escape(const std::string& s);

// The reason phrase of an HTTP status ("Not Found"); "" for unusual ones.
const char* http_reason(long status);

}  // namespace lo
