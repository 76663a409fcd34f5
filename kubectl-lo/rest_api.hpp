// A cloud or platform REST API as lo's drivers and providers call it (KKP,
// the Hetzner Cloud API): HTTPS only, `Authorization: Bearer <token>`, an
// optional CA file.
//
// The transport is lo's Kubernetes client (lo/kube_client.hpp) pointed at the
// API's URL: the same libcurl handles, TLS verification, backoff and
// Retry-After handling (a 429 waits the server's delay, Retry-After or
// RateLimit-Reset; 5xx answers and broken connections are retried a few
// times, except for a POST, which the server may have acted on: the caller
// finds what it made instead), and the same logging (-v=6 shows method, URL,
// status and time, never a header or a body). What the server answers with an
// error is reported as "<API>: <METHOD> <path>: HTTP <status> <reason>:
// <the server's message>", with the token (and every other credential lo
// sent) replaced by <redacted> wherever the server echoed it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lo/kube_client.hpp"

namespace lo {

struct RestEndpoint {
  std::string url;       // https://api.example.com[/prefix] (no trailing slash)
  std::string url_from;  // where it came from, for messages ("spec.kkp.apiUrl", "KKP_API_URL")
  std::string ca_pem;    // empty: the system's roots
  std::string ca_from;   // the CA file, for messages
};

// How one API is named in messages, and what to do about its refusals.
struct RestApiWords {
  std::string api;           // "KKP API"
  std::string token_name;    // "KKP_TOKEN"
  std::string unauthorized;  // hint for 401
  std::string forbidden;     // hint for 403
  std::string failed;        // hint for 5xx
  std::string unreachable;   // hint when no answer came
};

class RestApi {
 public:
  // Throws lo::Error when the URL is not https://.
  RestApi(RestApiWords words, const RestEndpoint& endpoint, Secret token, std::vector<std::string> also_redact = {},
          ClientOptions options = default_options());
  ~RestApi();

  // One call; 2xx answers are returned (JSON, or null for an empty body).
  // 404 is returned as nullopt when `absent_ok`; any other answer throws.
  std::optional<Json> call(const std::string& method, const std::string& path, const Json& body = nullptr,
                           bool absent_ok = false);
  // The raw body of a 2xx GET.
  std::string get_text(const std::string& path);

  // `text` with every secret lo sent replaced by <redacted>.
  std::string redact(std::string text) const;

  const std::string& base() const { return base_; }

  // Five retries from 500 ms, Retry-After up to two minutes, POSTs never
  // sent twice after a 5xx or a lost answer.
  static ClientOptions default_options();

 private:
  [[noreturn]] void fail(const std::string& method, const std::string& path, const Response& r) const;
  RestApiWords words_;
  std::string base_;
  std::unique_ptr<KubeClient> client_;
  std::vector<Secret> secrets_;
};

// The message of an error body {"error": {"code": ..., "message": "..."}}
// (KKP's and Hetzner's shape; or any JSON with a message, or the first line
// of text), at most 300 characters.
std::string api_error_message(const std::string& body);

}  // namespace lo
