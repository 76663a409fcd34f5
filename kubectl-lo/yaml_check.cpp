#include "yaml_check.hpp"

#include <algorithm>

#include "lo/yaml_keys.hpp"

namespace lo {

Location YamlCheck::at(const YAML::Node& n, const std::string& path) const {
  Location l{file_, path, 0, 0};
  if (n.IsDefined() && n.Mark().line >= 0) {
    l.line = n.Mark().line + 1;
    l.column = n.Mark().column + 1;
  }
  return l;
}

void YamlCheck::error(const YAML::Node& n, const std::string& path, std::string what, std::string hint) {
  diags_.error(at(n, path), std::move(what), std::move(hint));
}

void YamlCheck::warning(const YAML::Node& n, const std::string& path, std::string what, std::string hint) {
  diags_.warning(at(n, path), std::move(what), std::move(hint));
}

YAML::Node YamlCheck::get(const YAML::Node& n, const std::string& key) {
  if (!n.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  for (const auto& kv : n)
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return kv.second;
  return YAML::Node(YAML::NodeType::Undefined);
}

void YamlCheck::syntax_error(const YAML::Exception& e) {
  Location l{file_, "", 0, 0};
  if (e.mark.line >= 0) {
    l.line = e.mark.line + 1;
    l.column = e.mark.column + 1;
  }
  diags_.error(l, "is not valid YAML: " + e.msg, "check the indentation (spaces, not tabs) and the quoting on that line");
}

bool YamlCheck::present(const YAML::Node& n) { return n.IsDefined() && !n.IsNull(); }

Json YamlCheck::scalar(const YAML::Node& n) { return yaml_to_json(n); }

std::string YamlCheck::field(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

std::string YamlCheck::item(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

std::string YamlCheck::describe(const YAML::Node& n) {
  if (!n.IsDefined() || n.IsNull()) return "nothing (null)";
  if (n.IsMap()) return "a mapping";
  if (n.IsSequence()) return "a list";
  Json v = scalar(n);
  if (v.is_boolean()) return std::string("the boolean ") + (v.get<bool>() ? "true" : "false");
  if (v.is_number()) return "the number " + n.Scalar();
  return "the string '" + n.Scalar() + "'";
}

bool YamlCheck::mapping(const YAML::Node& n, const std::string& path) {
  if (n.IsMap()) return true;
  error(n, path, "must be a mapping (key: value lines), got " + describe(n));
  return false;
}

bool YamlCheck::sequence(const YAML::Node& n, const std::string& path) {
  if (n.IsSequence()) return true;
  error(n, path, "must be a list, got " + describe(n));
  return false;
}

bool YamlCheck::string(const YAML::Node& n, const std::string& path, bool allow_empty) {
  if (!n.IsScalar() || !scalar(n).is_string()) {
    error(n, path, "must be a string, got " + describe(n), n.IsScalar() ? "quote it: \"" + n.Scalar() + "\"" : "");
    return false;
  }
  if (!allow_empty && n.Scalar().empty()) {
    error(n, path, "must not be empty");
    return false;
  }
  return true;
}

bool YamlCheck::boolean(const YAML::Node& n, const std::string& path) {
  if (n.IsScalar() && scalar(n).is_boolean()) return true;
  error(n, path, "must be true or false, got " + describe(n));
  return false;
}

bool YamlCheck::integer(const YAML::Node& n, const std::string& path, long long min, long long max) {
  Json v = n.IsScalar() ? scalar(n) : Json();
  if (!v.is_number_integer()) {
    error(n, path, "must be a whole number, got " + describe(n));
    return false;
  }
  bool in_range = v.is_number_unsigned() ? v.get<unsigned long long>() <= static_cast<unsigned long long>(max)
                                         : v.get<long long>() >= min && v.get<long long>() <= max;
  if (v.is_number_unsigned() && min > 0 && v.get<unsigned long long>() < static_cast<unsigned long long>(min)) in_range = false;
  if (!in_range) {
    error(n, path, "must be from " + std::to_string(min) + " to " + std::to_string(max) + ", got " + n.Scalar());
    return false;
  }
  return true;
}

bool YamlCheck::string_list(const YAML::Node& n, const std::string& path) {
  if (!sequence(n, path)) return false;
  bool ok = true;
  for (size_t i = 0; i < n.size(); ++i) ok = string(n[i], item(path, i)) && ok;
  return ok;
}

bool YamlCheck::strings(const YAML::Node& n, const std::string& path) {
  if (n.IsSequence()) return string_list(n, path);
  if (n.IsScalar() && scalar(n).is_string()) return string(n, path);
  error(n, path, "must be a string or a list of strings, got " + describe(n));
  return false;
}

bool YamlCheck::one_of(const YAML::Node& n, const std::string& path, const std::vector<std::string>& allowed) {
  if (!string(n, path)) return false;
  if (std::find(allowed.begin(), allowed.end(), n.Scalar()) != allowed.end()) return true;
  error(n, path, "must be one of " + join(allowed) + ", got '" + n.Scalar() + "'");
  return false;
}

void YamlCheck::only_keys(const YAML::Node& n, const std::string& path, const std::vector<std::string>& allowed) {
  for (const auto& p : check_keys(n, allowed)) {
    if (p.kind == KeyProblem::NotScalar) error(p.node, path, "keys must be plain names");
    else if (p.kind == KeyProblem::Twice) error(p.node, field(path, p.key), "is set twice", "keep one of the two");
    else error(p.node, field(path, p.key), "unknown key", key_hint(p, path.empty() ? "allowed at the top" : "allowed here", allowed));
  }
}

bool YamlCheck::require(const YAML::Node& map, const std::string& path, const std::string& key, const std::string& hint) {
  if (present(get(map, key))) return true;
  error(map, field(path, key), "is required", hint);
  return false;
}

std::optional<YAML::Node> load_yaml_document(const std::string& text, YamlCheck& check) {
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    check.syntax_error(e);
    return std::nullopt;
  }
  std::vector<YAML::Node> real;
  for (const auto& d : docs)
    if (d.IsDefined() && !d.IsNull()) real.push_back(d);
  if (real.size() > 1) {
    check.error(real[1], "", "has " + std::to_string(real.size()) + " YAML documents; it must have one",
                "remove the '---' separators");
    return std::nullopt;
  }
  if (real.empty()) return YAML::Node(YAML::NodeType::Map);
  return real[0];
}

}  // namespace lo
