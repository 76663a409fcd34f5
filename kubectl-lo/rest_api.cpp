#include "rest_api.hpp"

#include "lo/error.hpp"
#include "lo/json_decode.hpp"

namespace lo {

std::string api_error_message(const std::string& body) {
  std::string msg;
  Json j = decode_json(body).value_or(Json());
  if (j.is_object()) {
    const Json* e = j.contains("error") && j["error"].is_object() ? &j["error"] : &j;
    if (e->contains("message") && (*e)["message"].is_string()) msg = (*e)["message"].get<std::string>();
  }
  if (msg.empty()) msg = body.substr(0, body.find('\n'));
  while (!msg.empty() && (msg.back() == ' ' || msg.back() == '\r')) msg.pop_back();
  if (msg.size() > 300) msg = msg.substr(0, 300) + "...";
  return msg;
}

ClientOptions RestApi::default_options() {
  ClientOptions o;
  o.max_in_flight = 2;
  o.max_retries = 5;
  o.retry_post = false;  // a create the server may have made is found again, never sent twice
  o.backoff_base = std::chrono::milliseconds(500);
  o.retry_after_max = std::chrono::seconds(120);
  o.request_timeout = std::chrono::seconds(60);
  return o;
}

RestApi::RestApi(RestApiWords words, const RestEndpoint& endpoint, Secret token, std::vector<std::string> also_redact,
                 ClientOptions options)
    : words_(std::move(words)) {
  auto u = parse_server_url(endpoint.url);
  if (endpoint.url.rfind("https://", 0) != 0 || !u)
    throw Error(words_.api + " URL must use HTTPS: " + endpoint.url + " (" + endpoint.url_from + ")",
                "plain HTTP would send " + words_.token_name + " in the clear; give the https:// URL of the API");
  base_ = endpoint.url;
  secrets_.push_back(token);
  for (auto& s : also_redact)
    if (!s.empty()) secrets_.emplace_back(std::move(s));
  KubeConfig cfg;
  cfg.contextName = words_.api;
  cfg.cluster.name = words_.api;
  cfg.cluster.server = endpoint.url;
  cfg.cluster.caPem = endpoint.ca_pem;
  cfg.clusterFile = endpoint.ca_from.empty() ? endpoint.url_from : endpoint.ca_from;
  cfg.user.name = words_.token_name;
  cfg.user.field = words_.token_name;
  cfg.user.token = std::move(token);
  cfg.userFile = words_.token_name;
  client_ = std::make_unique<KubeClient>(std::move(cfg), options);
}

RestApi::~RestApi() = default;

std::string RestApi::redact(std::string text) const {
  for (const auto& secret : secrets_) {
    const std::string& s = secret.reveal();
    if (s.size() < 4) continue;  // too short to tell from ordinary text
    for (size_t at = text.find(s); at != std::string::npos; at = text.find(s, at + 10))
      text.replace(at, s.size(), "<redacted>");
  }
  return text;
}

void RestApi::fail(const std::string& method, const std::string& path, const Response& r) const {
  std::string msg = redact(api_error_message(r.body));
  std::string what = words_.api + ": " + method + " " + path + ": HTTP " + std::to_string(r.status);
  if (*http_reason(r.status)) what += std::string(" ") + http_reason(r.status);
  if (!msg.empty()) what += ": " + msg;
  std::string hint;
  if (r.status == 401) hint = words_.unauthorized;
  else if (r.status == 403) hint = words_.forbidden;
  else if (r.status == 429) hint = words_.api + " kept asking lo to slow down; try again later";
  else if (r.status >= 500) hint = words_.failed;
  throw ApiError(r.status, http_reason(r.status), msg, Json(), what, hint);
}

std::optional<Json> RestApi::call(const std::string& method, const std::string& path, const Json& body,
                                  bool absent_ok) {
  Response r;
  try {
    r = client_->request(method, path, body.is_null() ? std::string() : body.dump(),
                         body.is_null() ? std::string() : "application/json");
  } catch (const ApiError& e) {
    throw Error(words_.api + ": " + method + " " + path + ": " + redact(e.message()), words_.unreachable);
  }
  if (r.status == 404 && absent_ok) return std::nullopt;
  if (r.status < 200 || r.status > 299) fail(method, path, r);
  if (r.body.find_first_not_of(" \r\n\t") == std::string::npos) return Json();
  auto j = decode_json(r.body);
  if (!j) throw Error(words_.api + ": " + method + " " + path + ": the answer is not JSON", "is " + base_ + " the " + words_.api + "?");
  return *j;
}

std::string RestApi::get_text(const std::string& path) {
  Response r;
  try {
    r = client_->request("GET", path);
  } catch (const ApiError& e) {
    throw Error(words_.api + ": GET " + path + ": " + redact(e.message()), words_.unreachable);
  }
  if (r.status < 200 || r.status > 299) fail("GET", path, r);
  return r.body;
}

}  // namespace lo
