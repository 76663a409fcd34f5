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

ClientOptions cloud_api_options() {
  ClientOptions o;
  o.max_in_flight = 2;
  o.max_retries = 5;
  o.retry_post = false;
  o.backoff_base = std::chrono::milliseconds(500);
  o.retry_after_max = std::chrono::seconds(120);
  o.request_timeout = std::chrono::seconds(60);
  return o;
}

std::function<std::string(long)> cloud_status_hints(std::string service, std::string unauthorized,
                                                    std::string forbidden, std::string failed) {
  return [=](long status) -> std::string {
    if (status == 401) return unauthorized;
    if (status == 403) return forbidden;
    if (status == 429) return service + " kept asking lo to slow down; try again later";
    if (status >= 500) return failed;
    return {};
  };
}

RestApi::RestApi(const ApiEndpoint& endpoint, ApiProfile profile, Secret token, std::vector<std::string> also_redact)
    : profile_(std::move(profile)) {
  auto u = parse_server_url(endpoint.url);
  if (endpoint.url.rfind("https://", 0) != 0 || !u)
    throw Error(profile_.service + " URL must use HTTPS: " + endpoint.url + " (" + endpoint.url_from + ")", profile_.https_hint);
  base_ = endpoint.url;
  if (!token.empty()) secrets_.push_back(token);
  for (auto& s : also_redact)
    if (!s.empty()) secrets_.emplace_back(std::move(s));
  KubeConfig cfg;
  cfg.contextName = profile_.service;
  cfg.cluster.name = profile_.service;
  cfg.cluster.server = endpoint.url;
  cfg.cluster.caPem = endpoint.ca_pem;
  cfg.clusterFile = endpoint.ca_from.empty() ? endpoint.url_from : endpoint.ca_from;
  cfg.user.name = profile_.token_name;
  cfg.user.field = profile_.token_name;
  cfg.user.token = std::move(token);
  cfg.userFile = profile_.token_name;
  client_ = std::make_unique<KubeClient>(std::move(cfg), profile_.options);
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
  std::string what = profile_.service + ": " + method + " " + path + ": HTTP " + std::to_string(r.status);
  if (*http_reason(r.status)) what += std::string(" ") + http_reason(r.status);
  if (!msg.empty()) what += ": " + msg;
  std::string hint = profile_.status_hint ? profile_.status_hint(r.status) : std::string();
  throw ApiError(r.status, http_reason(r.status), msg, Json(), what, hint);
}

Response RestApi::send(const std::string& method, const std::string& path, const Json& body) {
  try {
    return client_->request(method, path, body.is_null() ? std::string() : body.dump(),
                            body.is_null() ? std::string() : "application/json");
  } catch (const ApiError& e) {
    throw Error(profile_.service + ": " + method + " " + path + ": " + redact(e.message()), profile_.unreachable_hint);
  }
}

std::optional<Json> RestApi::call(const std::string& method, const std::string& path, const Json& body, bool absent_ok) {
  Response r = send(method, path, body);
  if (r.status == 404 && absent_ok) return std::nullopt;
  if (r.status < 200 || r.status > 299) fail(method, path, r);
  if (r.body.find_first_not_of(" \r\n\t") == std::string::npos) return Json();
  auto j = decode_json(r.body);
  if (!j) throw Error(profile_.service + ": " + method + " " + path + ": the answer is not JSON", "is " + base_ + " the " + profile_.service + "?");
  return *j;
}

std::string RestApi::get_text(const std::string& path) {
  Response r = send("GET", path, nullptr);
  if (r.status < 200 || r.status > 299) fail("GET", path, r);
  return r.body;
}

}  // namespace lo
