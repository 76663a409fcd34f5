// A small JSON-over-HTTPS API client for the services lo talks to besides
// Kubernetes (the KKP REST API, the Hetzner Cloud API, the kubehz API): HTTPS only, an optional
// bearer token, an optional private CA.
//
// The transport is lo's Kubernetes client (lo/kube_client.hpp) pointed at the
// service's URL: the same libcurl handles, TLS verification, backoff and
// Retry-After handling, and the same logging (-v=6 shows method, URL, status
// and time, never a header or a body). What the service answers with an
// error is reported as "<service>: <METHOD> <path>: HTTP <status> <reason>:
// <its message>", with the token (and every other credential lo knows of)
// replaced by <redacted> wherever the server echoed it.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lo/kube_client.hpp"

namespace lo {

struct ApiEndpoint {
  std::string url;       // https://api.example.com (no trailing slash)
  std::string url_from;  // where it came from, for messages: "spec.kkp.apiUrl of ...", "KKP_API_URL"
  std::string ca_pem;    // empty: the system's roots
  std::string ca_from;   // the CA file, for messages
};

// What differs between the services: their names and their hints.
struct ApiProfile {
  std::string service;     // "KKP API": the start of every message
  std::string token_name;  // "KKP_TOKEN": what the token is called in messages
  std::string https_hint;  // why an http:// URL is refused
  std::string unreachable_hint;
  std::function<std::string(long status)> status_hint;  // for an error answer; may be empty
  ClientOptions options;
};

class RestApi {
 public:
  // Throws lo::Error when the URL is not https://. An empty token sends no
  // Authorization header.
  RestApi(const ApiEndpoint& endpoint, ApiProfile profile, Secret token, std::vector<std::string> also_redact = {});
  ~RestApi();

  // One call; 2xx answers are returned (JSON, or null for an empty body).
  // 404 is returned as nullopt when `absent_ok`; any other answer throws
  // ApiError (an unreachable server: lo::Error).
  std::optional<Json> call(const std::string& method, const std::string& path, const Json& body = nullptr,
                           bool absent_ok = false);
  // The raw body of a 2xx GET.
  std::string get_text(const std::string& path);

  // `text` with every secret lo sent replaced by <redacted>.
  std::string redact(std::string text) const;

  const std::string& base() const { return base_; }

 private:
  [[noreturn]] void fail(const std::string& method, const std::string& path, const Response& r) const;
  Response send(const std::string& method, const std::string& path, const Json& body);
  ApiProfile profile_;
  std::string base_;
  std::unique_ptr<KubeClient> client_;
  std::vector<Secret> secrets_;
};

// A cloud API's client options (KKP, Hetzner): five retries from 500 ms,
// Retry-After (or RateLimit-Reset) up to two minutes, and a POST never sent
// twice after a 5xx or a lost answer (the caller finds what it made instead).
ClientOptions cloud_api_options();

// A cloud API's hints for an error answer: 401, 403, 429 and 5xx.
std::function<std::string(long status)> cloud_status_hints(std::string service, std::string unauthorized,
                                                           std::string forbidden, std::string failed);

// An error body {"error": {"code": 403, "message": "..."}} (KKP's and Hetzner's), or any
// JSON with a message, or the first line of text; at most 300 characters.
std::string api_error_message(const std::string& body);

}  // namespace lo
