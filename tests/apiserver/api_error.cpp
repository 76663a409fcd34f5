#include "api_error.hpp"

namespace lotest {

ApiError::ApiError(int code, std::string reason, const std::string& message, json details)
    : std::runtime_error(message), code_(code), reason_(std::move(reason)),
      details_(std::move(details)) {}

json ApiError::status() const { return statusObject(code_, reason_, what(), details_); }

json statusObject(int code, const std::string& reason, const std::string& message,
                  const json& details) {
  json s = {{"kind", "Status"},       {"apiVersion", "v1"}, {"metadata", json::object()},
            {"status", "Failure"},    {"message", message}, {"reason", reason},
            {"code", code}};
  if (!details.empty()) s["details"] = details;
  return s;
}

std::string reasonForCode(int code) {
  switch (code) {
    case 400: return "BadRequest";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "NotFound";
    case 405: return "MethodNotAllowed";
    case 406: return "NotAcceptable";
    case 409: return "Conflict";
    case 410: return "Expired";
    case 413: return "RequestEntityTooLarge";
    case 415: return "UnsupportedMediaType";
    case 422: return "Invalid";
    case 429: return "TooManyRequests";
    case 500: return "InternalError";
    case 503: return "ServiceUnavailable";
    case 504: return "Timeout";
    default: return code >= 500 ? "InternalError" : "BadRequest";
  }
}

namespace {
json resourceDetails(const GroupResource& gr, const std::string& name) {
  json d = {{"name", name}, {"kind", gr.resource}};
  if (!gr.group.empty()) d["group"] = gr.group;
  return d;
}
}  // namespace

ApiError notFound(const GroupResource& gr, const std::string& name) {
  return ApiError(404, "NotFound", gr.qualified() + " \"" + name + "\" not found",
                  resourceDetails(gr, name));
}

ApiError alreadyExists(const GroupResource& gr, const std::string& name) {
  return ApiError(409, "AlreadyExists", gr.qualified() + " \"" + name + "\" already exists",
                  resourceDetails(gr, name));
}

ApiError conflict(const GroupResource& gr, const std::string& name, const std::string& why) {
  return ApiError(409, "Conflict",
                  "Operation cannot be fulfilled on " + gr.qualified() + " \"" + name + "\": " + why,
                  resourceDetails(gr, name));
}

ApiError staleObject(const GroupResource& gr, const std::string& name) {
  return conflict(gr, name,
                  "the object has been modified; please apply your changes to the latest "
                  "version and try again");
}

ApiError badRequest(const std::string& message) { return ApiError(400, "BadRequest", message); }

ApiError unsupportedMediaType(const std::string& message) {
  return ApiError(415, "UnsupportedMediaType", message);
}

ApiError methodNotAllowed(const std::string& message) {
  return ApiError(405, "MethodNotAllowed", message);
}

ApiError unauthorized() { return ApiError(401, "Unauthorized", "Unauthorized"); }

ApiError resourceNotFound() {
  return ApiError(404, "NotFound", "the server could not find the requested resource",
                  json::object());
}

ApiError invalid(const std::string& kind, const std::string& group, const std::string& name,
                 const std::vector<FieldCause>& causes) {
  std::string qualifiedKind = group.empty() ? kind : kind + "." + group;
  std::string list;
  json jcauses = json::array();
  for (const auto& c : causes) {
    std::string one = c.field.empty() ? c.detail : c.field + ": " + c.detail;
    list += (list.empty() ? "" : ", ") + one;
    jcauses.push_back({{"reason", c.reason}, {"message", c.detail}, {"field", c.field}});
  }
  if (causes.size() > 1) list = "[" + list + "]";
  json details = {{"name", name}, {"kind", kind}, {"causes", jcauses}};
  if (!group.empty()) details["group"] = group;
  return ApiError(422, "Invalid", qualifiedKind + " \"" + name + "\" is invalid: " + list, details);
}

}  // namespace lotest
