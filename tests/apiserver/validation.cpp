#include "validation.hpp"

#include <algorithm>
#include <cmath>
#include <regex>

namespace lotest {

FieldValidation parseFieldValidation(const std::string& param) {
  if (param.empty() || param == "Warn") return FieldValidation::Warn;
  if (param == "Strict") return FieldValidation::Strict;
  if (param == "Ignore") return FieldValidation::Ignore;
  throw badRequest("fieldValidation: Unsupported value: \"" + param +
                   "\": supported values: \"Ignore\", \"Strict\", \"Warn\"");
}

namespace {

std::string typeOf(const json& v) {
  if (v.is_string()) return "string";
  if (v.is_boolean()) return "boolean";
  if (v.is_number_integer()) return "integer";
  if (v.is_number()) return "number";
  if (v.is_array()) return "array";
  if (v.is_object()) return "object";
  return "null";
}

bool hasType(const json& v, const std::string& type) {
  if (type == "integer")
    return v.is_number_integer() ||
           (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>() &&
            std::fabs(v.get<double>()) < 9e15);
  if (type == "number") return v.is_number();
  return typeOf(v) == type;
}

std::string join(const std::string& path, const std::string& field) {
  return path.empty() ? field : path + "." + field;
}

void walk(json& v, const json& s, const std::string& path, SchemaReport& report);

void walkObject(json& v, const json& s, const std::string& path, SchemaReport& report) {
  bool preserve = s.value("x-kubernetes-preserve-unknown-fields", false);
  auto props = s.find("properties");
  auto extra = s.find("additionalProperties");
  bool hasProps = props != s.end() && props->is_object();
  if (hasProps)
    for (const auto& [k, sub] : props->items())
      if (!v.contains(k) && sub.is_object() && sub.contains("default")) v[k] = sub["default"];

  for (auto it = v.begin(); it != v.end();) {
    const std::string key = it.key();
    const json* sub = nullptr;
    if (hasProps && props->contains(key))
      sub = &(*props)[key];
    else if (extra != s.end() && extra->is_object())
      sub = &*extra;
    if (sub) {
      walk(it.value(), *sub, join(path, key), report);
    } else if (!preserve && !(extra != s.end() && extra->is_boolean() && extra->get<bool>())) {
      report.unknown.push_back(join(path, key));
      it = v.erase(it);
      continue;
    }
    ++it;
  }
  for (const auto& req : s.value("required", json::array()))
    if (req.is_string() && !v.contains(req.get<std::string>()))
      report.invalid.push_back({"FieldValueRequired", join(path, req.get<std::string>()),
                                "Required value"});
}

void walk(json& v, const json& s, const std::string& path, SchemaReport& report) {
  if (!s.is_object()) return;
  if (v.is_null()) {
    if (!s.value("nullable", false) && s.contains("type"))
      report.invalid.push_back({"FieldValueTypeInvalid", path,
                                "Invalid value: \"null\": " + path + " in body must be of type " +
                                    s["type"].get<std::string>() + ": \"null\""});
    return;
  }
  if (s.value("x-kubernetes-int-or-string", false)) {
    if (!v.is_number_integer() && !v.is_string())
      report.invalid.push_back({"FieldValueTypeInvalid", path,
                                "Invalid value: \"" + typeOf(v) + "\": " + path +
                                    " in body must be of type integer-or-string"});
    return;
  }
  std::string type = s.value("type", "");
  if (!type.empty() && !hasType(v, type)) {
    report.invalid.push_back({"FieldValueTypeInvalid", path,
                              "Invalid value: \"" + typeOf(v) + "\": " + path +
                                  " in body must be of type " + type + ": \"" + typeOf(v) + "\""});
    return;
  }
  if (s.contains("enum") && s["enum"].is_array()) {
    const json& allowed = s["enum"];
    if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a.dump();
      report.invalid.push_back({"FieldValueNotSupported", path,
                                "Unsupported value: " + v.dump() + ": supported values: " + list});
    }
  }
  if (v.is_object() && !s.value("x-kubernetes-embedded-resource", false)) {
    walkObject(v, s, path, report);
  } else if (v.is_array() && s.contains("items")) {
    for (size_t i = 0; i < v.size(); ++i)
      walk(v[i], s["items"], path + "[" + std::to_string(i) + "]", report);
  }
}

}  // namespace

void checkAgainstSchema(json& obj, const json& schema, SchemaReport& report) {
  if (!schema.is_object()) return;
  // The object's identity is never pruned or checked against the schema.
  json identity = json::object();
  for (const char* k : {"apiVersion", "kind", "metadata"})
    if (obj.contains(k)) {
      identity[k] = std::move(obj[k]);
      obj.erase(k);
    }
  walk(obj, schema, "", report);
  for (auto& [k, v] : identity.items()) obj[k] = std::move(v);
}

void validateName(const std::string& kind, const std::string& group, const std::string& plural,
                  const std::string& name) {
  static const std::regex subdomain(R"([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)");
  static const std::regex label1123(R"([a-z0-9]([-a-z0-9]*[a-z0-9])?)");
  static const std::regex label1035(R"([a-z]([-a-z0-9]*[a-z0-9])?)");
  std::string problem;
  if (plural == "namespaces") {
    if (name.size() > 63 || !std::regex_match(name, label1123))
      problem = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or "
                "'-', and must start and end with an alphanumeric character (e.g. 'my-name',  or "
                "'123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
  } else if (plural == "services" && group.empty()) {
    if (name.size() > 63 || !std::regex_match(name, label1035))
      problem = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', "
                "start with an alphabetic character, and end with an alphanumeric character "
                "(e.g. 'my-name',  or 'abc-123', regex used for validation is "
                "'[a-z]([-a-z0-9]*[a-z0-9])?')";
  } else if (plural.find("roles") == std::string::npos &&
             plural.find("rolebindings") == std::string::npos) {
    // RBAC objects accept path segment names (e.g. "system:masters").
    if (name.size() > 253 || !std::regex_match(name, subdomain))
      problem = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                "characters, '-' or '.', and must start and end with an alphanumeric character "
                "(e.g. 'example.com', regex used for validation is "
                "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
  } else if (name.find('/') != std::string::npos || name == "." || name == "..") {
    problem = "may not contain '/'";
  }
  if (!problem.empty())
    throw invalid(kind, group, name,
                  {{"FieldValueInvalid", "metadata.name", "Invalid value: \"" + name + "\": " + problem}});
}

}  // namespace lotest
