#include "yaml_json.hpp"

#include "api_error.hpp"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <limits>
#include <regex>

namespace lotest {
namespace {

bool isOneOf(const std::string& s, std::initializer_list<const char*> words) {
  for (const char* w : words)
    if (s == w) return true;
  return false;
}

json plainScalar(const std::string& s) {
  if (s.empty() || isOneOf(s, {"~", "null", "Null", "NULL"})) return nullptr;
  if (isOneOf(s, {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"}))
    return true;
  if (isOneOf(s, {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N"}))
    return false;
  static const std::regex decimal(R"([-+]?(0|[1-9][0-9_]*))");
  static const std::regex hex(R"([-+]?0x[0-9a-fA-F_]+)");
  static const std::regex octal(R"([-+]?0[0-7_]+)");
  static const std::regex real(R"([-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?)");
  std::string digits;
  for (char c : s)
    if (c != '_') digits += c;
  try {
    if (std::regex_match(s, decimal)) return std::stoll(digits);
    if (std::regex_match(s, hex)) return std::stoll(digits, nullptr, 16);
    if (std::regex_match(s, octal)) return std::stoll(digits, nullptr, 8);
    if (std::regex_match(s, real)) return std::stod(digits);
  } catch (const std::out_of_range&) {
    return std::stod(digits);
  }
  if (isOneOf(s, {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"}))
    return std::numeric_limits<double>::infinity();
  if (isOneOf(s, {"-.inf", "-.Inf", "-.INF"})) return -std::numeric_limits<double>::infinity();
  return s;
}

json scalar(const YAML::Node& node) {
  const std::string& tag = node.Tag();
  const std::string& s = node.Scalar();
  if (tag == "!" || tag == "tag:yaml.org,2002:str") return s;  // quoted, or !!str
  if (tag == "tag:yaml.org,2002:int") return std::stoll(s);
  if (tag == "tag:yaml.org,2002:float") return std::stod(s);
  if (tag == "tag:yaml.org,2002:bool") return plainScalar(s).is_boolean() ? plainScalar(s) : json(s);
  if (tag == "tag:yaml.org,2002:null") return nullptr;
  return plainScalar(s);
}

json convert(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      return scalar(node);
    case YAML::NodeType::Sequence: {
      json arr = json::array();
      for (const auto& item : node) arr.push_back(convert(item));
      return arr;
    }
    case YAML::NodeType::Map: {
      json obj = json::object();
      for (const auto& kv : node) obj[kv.first.as<std::string>()] = convert(kv.second);
      return obj;
    }
  }
  return nullptr;
}

}  // namespace

json parseBody(const std::string& text) {
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return nullptr;
  if (text[first] == '{' || text[first] == '[') {
    json parsed = json::parse(text, nullptr, false);
    if (!parsed.is_discarded()) return parsed;
  }
  try {
    return convert(YAML::Load(text));
  } catch (const YAML::Exception& e) {
    throw badRequest(std::string("error decoding YAML: ") + e.what());
  }
}

}  // namespace lotest
