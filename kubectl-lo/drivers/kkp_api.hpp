// The KKP (Kubermatic Kubernetes Platform) REST API as the Kkp driver uses
// it: HTTPS only, `Authorization: Bearer $KKP_TOKEN`, an optional CA file.
//
// The transport is lo's Kubernetes client (lo/kube_client.hpp) pointed at the
// KKP API URL: the same libcurl handles, TLS verification, backoff and
// Retry-After handling (a 429 waits the server's delay; 5xx answers and
// broken connections are retried a few times, except for a POST, which KKP
// may have acted on: the driver finds what it made instead), and the same logging (-v=6 shows
// method, URL, status and time, never a header or a body). What KKP answers
// with an error is reported as "KKP API: <METHOD> <path>: HTTP <status>
// <reason>: <KKP's message>", with the token (and every other credential lo
// sent) replaced by <redacted> wherever the server echoed it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lo/kube_client.hpp"

namespace lo::driver {

struct KkpEndpoint {
  std::string url;      // https://kkp.example.com (no trailing slash)
  std::string url_from;  // where it came from: "spec.kkp.apiUrl" or "KKP_API_URL"
  std::string ca_pem;    // empty: the system's roots
  std::string ca_from;   // the CA file, for messages
};

class KkpApi {
 public:
  // Throws lo::Error when the URL is not https://.
  KkpApi(const KkpEndpoint& endpoint, Secret token, std::vector<std::string> also_redact = {});
  ~KkpApi();

  // One call; 2xx answers are returned (JSON, or null for an empty body).
  // 404 is returned as nullopt when `absent_ok`; any other answer throws.
  std::optional<Json> call(const std::string& method, const std::string& path, const Json& body = nullptr,
                           bool absent_ok = false);
  // The raw body of a 2xx GET (the kubeconfig).
  std::string get_text(const std::string& path);

  // `text` with every secret lo sent replaced by <redacted>.
  std::string redact(std::string text) const;

 private:
  [[noreturn]] void fail(const std::string& method, const std::string& path, const Response& r) const;
  std::string base_;
  std::unique_ptr<KubeClient> client_;
  std::vector<Secret> secrets_;
};

// KKP's error body {"error": {"code": 403, "message": "..."}} (or any JSON
// with a message, or the first line of text), at most 300 characters.
std::string kkp_error_message(const std::string& body);

}  // namespace lo::driver
