// KubeClient transport: curl handles, TLS and credentials, retries, errors.
#include <openssl/crypto.h>

#include <algorithm>
#include <ctime>
#include <mutex>
#include <random>
#include <thread>

#include "kube_client_impl.hpp"
#include "lo/json_decode.hpp"
#include "lo/log.hpp"
#include "lo/version.hpp"

namespace lo {
namespace {

std::once_flag g_curl_once;

struct CallState {
  Transfer* t;
  CURL* curl;
  const StreamSink* sink;
  std::chrono::steady_clock::time_point deadline;
  const std::atomic<bool>* cancel;
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* st = static_cast<CallState*>(user);
  size_t len = size * n;
  if (st->sink) {
    long code = 0;
    curl_easy_getinfo(st->curl, CURLINFO_RESPONSE_CODE, &code);
    if (code == 200) {
      if (!(*st->sink)(data, len)) {
        st->t->stopped_by_sink = true;
        return 0;
      }
      return len;
    }
  }
  if (st->t->body.size() + len > (256u << 20)) return 0;  // absurd answer
  st->t->body.append(data, len);
  return len;
}

// The value of header `key` (lower case, with the colon) in `line`, if it is that header.
std::optional<std::string> header_value(const std::string& line, const std::string& key) {
  if (line.size() <= key.size()) return std::nullopt;
  std::string head = line.substr(0, key.size());
  std::transform(head.begin(), head.end(), head.begin(), [](unsigned char c) { return std::tolower(c); });
  if (head != key) return std::nullopt;
  std::string v = line.substr(key.size());
  v.erase(0, v.find_first_not_of(" \t"));
  return v;
}

// A whole number of seconds (Retry-After's delay-seconds, RateLimit-Reset's
// Unix time); nullopt for anything else (an HTTP-date: lo's own backoff).
std::optional<long> whole_number(const std::string& v) {
  try {
    size_t used = 0;
    long n = std::stol(v, &used);
    if (used > 0 && n >= 0) return n;
  } catch (...) {
  }
  return std::nullopt;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* st = static_cast<CallState*>(user);
  size_t len = size * n;
  std::string line(data, len);
  if (line.rfind("HTTP/", 0) == 0) {
    st->t->retry_after.reset();
    st->t->ratelimit_reset.reset();
    return len;
  }
  if (auto v = header_value(line, "retry-after:")) {
    if (auto secs = whole_number(*v)) st->t->retry_after = secs;
  } else if (auto r = header_value(line, "ratelimit-reset:")) {
    if (auto at = whole_number(*r)) st->t->ratelimit_reset = at;
  }
  return len;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* st = static_cast<CallState*>(user);
  if (st->cancel && st->cancel->load()) return 1;
  if (st->deadline != std::chrono::steady_clock::time_point::max() && std::chrono::steady_clock::now() > st->deadline)
    return 1;
  return 0;
}

}  // namespace

// --- small public pieces ---------------------------------------------------------

Json Response::json() const { return decode_json(body).value_or(Json()); }

ApiError::ApiError(long status, std::string reason, std::string message, Json details, std::string what,
                   std::string hint)
    : Error(std::move(what), std::move(hint)),
      status_(status),
      reason_(std::move(reason)),
      message_(std::move(message)),
      details_(std::move(details)) {}

std::string url_escape(const std::string& s) {
  std::string out;
  static const char* hex = "0123456789ABCDEF";
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

const char* http_reason(long status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 413: return "Request Entity Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
  }
}

// --- Impl ------------------------------------------------------------------------

KubeClient::Impl::Impl(KubeConfig cfg, ClientOptions opts)
    : config(std::move(cfg)), options(std::move(opts)), creds(config), slots(options.max_in_flight) {
  std::call_once(g_curl_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (options.user_agent.empty()) options.user_agent = std::string("lo/") + kVersion;
  std::optional<ServerUrl> u = parse_server_url(config.cluster.server);
  if (!u) throw Error("the server of cluster \"" + config.cluster.name + "\" is not an http(s) URL with a host");
  plain_http = u->scheme == "http";
  if (!config.cluster.tlsServerName.empty() && !plain_http) {
    // Connect to the real address, but speak TLS (SNI and certificate check)
    // to the name the kubeconfig asks for.
    base_url = u->scheme + "://" + config.cluster.tlsServerName + ":" + u->port + u->path;
    connect_to = config.cluster.tlsServerName + ":" + u->port + ":" + u->url_host() + ":" + u->port;
  } else {
    base_url = u->scheme + "://" + u->url_host() + ":" + u->port + u->path;
  }
}

KubeClient::Impl::~Impl() {
  for (auto& h : pool) curl_easy_cleanup(h.curl);
}

KubeClient::Impl::Handle KubeClient::Impl::take_handle(uint64_t generation) {
  Handle h;
  {
    std::lock_guard<std::mutex> lock(pool_mu);
    if (!pool.empty()) {
      h = pool.back();
      pool.pop_back();
    }
  }
  if (h.curl && h.generation != generation) {
    // New credentials: drop the connections made with the old ones.
    curl_easy_cleanup(h.curl);
    h.curl = nullptr;
  }
  if (!h.curl) {
    h.curl = curl_easy_init();
    if (!h.curl) throw Error("cannot create an HTTP handle (out of memory?)");
    h.generation = generation;
  }
  return h;
}

void KubeClient::Impl::give_handle(Handle h) {
  std::lock_guard<std::mutex> lock(pool_mu);
  pool.push_back(h);
}

bool KubeClient::Impl::retryable(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

std::chrono::milliseconds KubeClient::Impl::backoff(int attempt) const {
  thread_local std::mt19937 rng{std::random_device{}()};
  long base = options.backoff_base.count();
  long cap = options.backoff_max.count();
  long d = base;
  for (int i = 0; i < attempt && d < cap; ++i) d *= 2;
  d = std::min(d, cap);
  std::uniform_int_distribution<long> jitter(d / 2, std::max(d / 2, d));
  return std::chrono::milliseconds(jitter(rng));
}

Transfer KubeClient::Impl::perform(const std::string& method, const std::string& path, const std::string& body,
                                   const std::string& content_type, const StreamSink* sink,
                                   std::chrono::steady_clock::time_point deadline,
                                   const std::atomic<bool>* cancel, std::chrono::milliseconds timeout) {
  Credentials cred = creds.get();
  Handle h = take_handle(cred.generation);
  CURL* c = h.curl;
  curl_easy_reset(c);
  Transfer t;
  t.generation = cred.generation;
  CallState st{&t, c, sink, deadline, cancel};
  char errbuf[CURL_ERROR_SIZE] = {0};
  std::string url = base_url + path;

  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(c, CURLOPT_USERAGENT, options.user_agent.c_str());
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout.count()));
  if (timeout.count() > 0) curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &st);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &st);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &st);
  curl_slist* connect = nullptr;
  if (!connect_to.empty()) {
    connect = curl_slist_append(connect, connect_to.c_str());
    curl_easy_setopt(c, CURLOPT_CONNECT_TO, connect);
  }
  if (!config.cluster.proxyUrl.empty()) curl_easy_setopt(c, CURLOPT_PROXY, config.cluster.proxyUrl.c_str());

  // TLS: verify unless the kubeconfig says otherwise; the CA, certificate and
  // key are copied from memory by curl (CURL_BLOB_COPY).
  std::string authz;
  if (!plain_http) {
    if (config.cluster.insecureSkipTlsVerify) {
      curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    } else {
      curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
      curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
      if (!config.cluster.caPem.empty()) {
        curl_blob ca{const_cast<char*>(config.cluster.caPem.data()), config.cluster.caPem.size(), CURL_BLOB_COPY};
        curl_easy_setopt(c, CURLOPT_CAINFO_BLOB, &ca);
      }
    }
    if (!cred.clientCertificatePem.empty()) {
      const std::string& cert = cred.clientCertificatePem.reveal();
      const std::string& key = cred.clientKeyPem.reveal();
      curl_blob cb{const_cast<char*>(cert.data()), cert.size(), CURL_BLOB_COPY};
      curl_blob kb{const_cast<char*>(key.data()), key.size(), CURL_BLOB_COPY};
      curl_easy_setopt(c, CURLOPT_SSLCERT_BLOB, &cb);
      curl_easy_setopt(c, CURLOPT_SSLCERTTYPE, "PEM");
      curl_easy_setopt(c, CURLOPT_SSLKEY_BLOB, &kb);
      curl_easy_setopt(c, CURLOPT_SSLKEYTYPE, "PEM");
    }
    // Credentials go only over TLS, as with kubectl.
    if (!cred.bearerToken.empty()) {
      authz = "Authorization: Bearer " + cred.bearerToken.reveal();
    } else if (!cred.username.empty()) {
      curl_easy_setopt(c, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
      curl_easy_setopt(c, CURLOPT_USERNAME, cred.username.c_str());
      curl_easy_setopt(c, CURLOPT_PASSWORD, cred.password.reveal().c_str());
    }
  }

  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Accept: application/json");
  headers = curl_slist_append(headers, "Expect:");
  if (!content_type.empty()) headers = curl_slist_append(headers, ("Content-Type: " + content_type).c_str());
  if (!authz.empty()) headers = curl_slist_append(headers, authz.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);

  if (method == "GET") {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
    if (!body.empty() || method == "POST" || method == "PATCH" || method == "PUT") {
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
    }
  }

  auto start = std::chrono::steady_clock::now();
  ++requests;
  t.code = curl_easy_perform(c);
  t.millis = static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count());
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &t.status);
  if (t.code != CURLE_OK) t.error = errbuf[0] ? errbuf : curl_easy_strerror(t.code);
  while (!t.error.empty() && (t.error.back() == '\n' || t.error.back() == ' ')) t.error.pop_back();

  // Wipe the copies of the token before the memory goes back.
  curl_slist_free_all(headers);
  curl_slist_free_all(connect);
  if (!authz.empty()) OPENSSL_cleanse(authz.data(), authz.size());
  // Nothing of the request may outlive it inside the handle.
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(c, CURLOPT_CONNECT_TO, nullptr);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, nullptr);
  give_handle(h);

  if (log::verbosity() >= 6) {
    std::string line = method + " " + url + " ";
    if (t.code != CURLE_OK && !t.stopped_by_sink) line += "failed (" + t.error + ")";
    else line += std::to_string(t.status) + " " + http_reason(t.status);
    log::debug(6, line + " in " + std::to_string(t.millis) + " ms");
  }
  return t;
}

ApiError KubeClient::Impl::transport_error(const std::string& method, const std::string& path,
                                           const Transfer& t) const {
  std::string where = "kubeconfig " + config.clusterFile.string() + ", cluster \"" + config.cluster.name + "\"";
  std::string msg, hint;
  switch (t.code) {
    case CURLE_PEER_FAILED_VERIFICATION:
      msg = "the API server's TLS certificate is not trusted: " + t.error;
      hint = "check certificate-authority(-data) and tls-server-name (" + where + ")";
      break;
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
      msg = "the client certificate or key cannot be used: " + t.error;
      hint = "check " + config.user.field + ".client-certificate/client-key in " + config.userFile.string();
      break;
    case CURLE_SSL_CACERT_BADFILE:
      msg = "the certificate authority cannot be read: " + t.error;
      hint = "check certificate-authority(-data) (" + where + ")";
      break;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_PROXY:
      msg = "cannot connect to the API server " + config.cluster.server + ": " + t.error;
      hint = "is the cluster running? (" + where + ", context \"" + config.contextName + "\")";
      break;
    case CURLE_OPERATION_TIMEDOUT:
      msg = "no answer from " + config.cluster.server + " in time: " + t.error;
      break;
    default:
      msg = "request to " + config.cluster.server + " failed: " + t.error;
  }
  return ApiError(0, "", msg, Json(), method + " " + path + ": " + msg, hint);
}

ApiError KubeClient::Impl::answer_error(const std::string& method, const std::string& path, long status,
                                        const std::string& body) const {
  Json j = decode_json(body).value_or(Json());
  std::string reason, message;
  Json details;
  if (j.is_object() && j.value("kind", "") == "Status") {
    if (j.contains("reason") && j["reason"].is_string()) reason = j["reason"];
    if (j.contains("message") && j["message"].is_string()) message = j["message"];
    if (j.contains("details")) details = j["details"];
  }
  if (message.empty()) {
    std::string first = body.substr(0, body.find('\n'));
    if (first.size() > 200) first = first.substr(0, 200) + "...";
    message = std::to_string(status) + " " + http_reason(status) + (first.empty() ? "" : ": " + first);
  }
  std::string hint;
  std::string who = config.user.name.empty() ? std::string("anonymous") : "user \"" + config.user.name + "\"";
  if (status == 401)
    hint = "the API server did not accept the credentials of " + who + " (" + config.userFile.string() +
           "); log in again or fix the kubeconfig";
  else if (status == 403)
    hint = who + " lacks the RBAC rights for this; ask a cluster admin, or use another --context";
  return ApiError(status, reason, message, details,
                  method + " " + path + ": " + std::to_string(status) + " " + http_reason(status) + ": " + message,
                  hint);
}

// --- KubeClient: construction and requests ----------------------------------------

KubeClient::KubeClient(KubeConfig config, ClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(options))) {}
KubeClient::~KubeClient() = default;

const KubeConfig& KubeClient::config() const { return impl_->config; }
CredentialSource& KubeClient::credentials() { return impl_->creds; }

KubeClient::Stats KubeClient::stats() const { return {impl_->requests.load(), impl_->retries.load()}; }

Response KubeClient::request(const std::string& method, const std::string& path, const std::string& body,
                             const std::string& content_type) {
  Impl& I = *impl_;
  bool refreshed_credentials = false;
  for (int attempt = 0;; ++attempt) {
    I.slots.acquire();
    Transfer t;
    try {
      t = I.perform(method, path, body, content_type, nullptr, std::chrono::steady_clock::time_point::max(),
                    nullptr, I.options.request_timeout);
    } catch (...) {
      I.slots.release();
      throw;
    }
    I.slots.release();

    bool more = attempt < I.options.max_retries;
    // A POST the server may have acted on is not sent again unless asked.
    bool once = method == "POST" && !I.options.retry_post;
    std::chrono::milliseconds wait{0};
    std::string why;
    if (t.code != CURLE_OK) {
      if (!Impl::retryable(t.code) || !more || (once && t.code != CURLE_COULDNT_CONNECT))
        throw I.transport_error(method, path, t);
      wait = I.backoff(attempt);
      why = t.error;
    } else if (t.status == 401 && !refreshed_credentials && I.creds.invalidate(t.generation)) {
      refreshed_credentials = true;
      log::debug(1, "the API server answered 401; fetching fresh credentials and retrying once");
      ++I.retries;
      continue;
    } else if (Impl::retryable_status(t.status) && more && (!once || t.status == 429)) {
      wait = I.backoff(attempt);
      // Without Retry-After, a 429 waits until RateLimit-Reset (the Hetzner
      // Cloud API's way: the Unix time its budget refills).
      if (!t.retry_after && t.status == 429 && t.ratelimit_reset)
        t.retry_after = std::max<long>(0, *t.ratelimit_reset - static_cast<long>(std::time(nullptr)));
      if (t.retry_after) wait = std::chrono::milliseconds(
                                     std::min<long>(*t.retry_after, I.options.retry_after_max.count()) * 1000) +
                                 std::chrono::milliseconds(wait.count() / 8);
      why = std::to_string(t.status) + " " + http_reason(t.status);
    } else {
      return Response{t.status, std::move(t.body)};
    }
    ++I.retries;
    log::debug(1, "retrying " + method + " " + path + " in " + std::to_string(wait.count()) + " ms after " + why +
                      " (attempt " + std::to_string(attempt + 2) + " of " +
                      std::to_string(I.options.max_retries + 1) + ")");
    std::this_thread::sleep_for(wait);
  }
}

Json KubeClient::get_json(const std::string& path) {
  Response r = request("GET", path);
  if (r.status < 200 || r.status > 299) throw impl_->answer_error("GET", path, r.status, r.body);
  Json j = r.json();
  if (j.is_null())
    throw ApiError(r.status, "", "the answer is not JSON", Json(), "GET " + path + ": the answer is not JSON");
  return j;
}

}  // namespace lo
