#include "spec_reader.hpp"

#include <algorithm>

#include "lo/yaml_json.hpp"
#include "lo/yaml_keys.hpp"

namespace lo::detail {
namespace {

std::string type_name(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar: return "'" + n.Scalar() + "'";
    case YAML::NodeType::Null: return "null";
    default: return "nothing";
  }
}

bool plain(const YAML::Node& n) { return n.Tag() == "?"; }

}  // namespace

Location SpecReader::loc(const YAML::Node& n, const std::string& path) const {
  Location l{spec_.file, path, 0, 0};
  if (n.IsDefined()) {
    l.line = n.Mark().line + 1;
    l.column = n.Mark().column + 1;
    if (n.Mark().line < 0) l.line = l.column = 0;
  }
  if (l.line == 0) l.line = spec_.line_of(path);
  return l;
}

void SpecReader::error(const YAML::Node& n, const std::string& path, std::string what, std::string hint) {
  diags_.error(loc(n, path), std::move(what), std::move(hint));
}

void SpecReader::warn(const YAML::Node& n, const std::string& path, std::string what, std::string hint) {
  diags_.warning(loc(n, path), std::move(what), std::move(hint));
}

void SpecReader::remember_line(const YAML::Node& n, const std::string& path) {
  if (n.IsDefined() && n.Mark().line >= 0) spec_.lines[path] = n.Mark().line + 1;
}

YAML::Node SpecReader::child(const YAML::Node& n, const char* key) {
  if (!n.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  for (const auto& kv : n)
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return kv.second;
  return YAML::Node(YAML::NodeType::Undefined);
}

bool SpecReader::map(const YAML::Node& n, const std::string& path) {
  if (!n.IsDefined() || n.IsNull()) return false;
  remember_line(n, path);
  if (n.IsMap()) return true;
  error(n, path, "must be a mapping (key: value lines), got " + type_name(n));
  return false;
}

void SpecReader::known_keys(const YAML::Node& n, const std::string& path,
                            std::initializer_list<const char*> known) {
  known_keys(n, path, std::vector<std::string>(known.begin(), known.end()));
}

void SpecReader::known_keys(const YAML::Node& n, const std::string& path, const std::vector<std::string>& known) {
  for (const auto& p : check_keys(n, known)) {
    std::string field = p.key.empty() ? path : (path.empty() ? p.key : path + "." + p.key);
    if (p.kind == KeyProblem::NotScalar) error(p.node, path, "keys must be plain names");
    else if (p.kind == KeyProblem::Twice) error(p.node, field, "is set twice", "keep one of the two");
    else warn(p.node, field, "unknown field, ignored", key_hint(p, "known fields here", known));
  }
}

std::optional<std::string> SpecReader::str(const YAML::Node& n, const std::string& path) {
  if (!n.IsDefined() || n.IsNull()) return std::nullopt;
  remember_line(n, path);
  if (!n.IsScalar()) {
    error(n, path, "must be a string, got " + type_name(n));
    return std::nullopt;
  }
  return n.Scalar();
}

std::optional<bool> SpecReader::boolean(const YAML::Node& n, const std::string& path) {
  if (!n.IsDefined() || n.IsNull()) return std::nullopt;
  remember_line(n, path);
  if (n.IsScalar()) {
    const std::string& s = n.Scalar();
    if (s == "true") return true;
    if (s == "false") return false;
  }
  error(n, path, "must be true or false, got " + type_name(n));
  return std::nullopt;
}

std::optional<int64_t> SpecReader::integer(const YAML::Node& n, const std::string& path, int64_t min, int64_t max) {
  if (!n.IsDefined() || n.IsNull()) return std::nullopt;
  remember_line(n, path);
  std::string range = "from " + std::to_string(min) + " to " + std::to_string(max);
  if (!n.IsScalar()) {
    error(n, path, "must be a whole number " + range + ", got " + type_name(n));
    return std::nullopt;
  }
  const std::string& s = n.Scalar();
  bool digits = !s.empty() && s.size() <= 18 &&
                std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
                (s.size() == 1 || s[0] != '0');
  bool negative = s.size() > 1 && s[0] == '-' && s.size() <= 19 &&
                  std::all_of(s.begin() + 1, s.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits && !negative) {
    error(n, path, "must be a whole number " + range + ", got " + type_name(n));
    return std::nullopt;
  }
  int64_t v = std::stoll(s);
  if (v < min || v > max) {
    error(n, path, "must be " + range + ", got " + s);
    return std::nullopt;
  }
  if (!plain(n))
    warn(n, path, "is a quoted number; read as " + s, "write it without quotes");
  return v;
}

std::optional<Json> SpecReader::opaque(const YAML::Node& n, const std::string& path) {
  if (!n.IsDefined()) return std::nullopt;
  remember_line(n, path);
  try {
    return yaml_to_json(n, spec_.file, 100000);
  } catch (const Error& e) {
    for (auto p : e.problems()) {
      p.where.field = path;
      diags_.add(std::move(p));
    }
    return std::nullopt;
  }
}

std::optional<std::vector<std::string>> SpecReader::str_list(const YAML::Node& n, const std::string& path) {
  if (!n.IsDefined() || n.IsNull()) return std::nullopt;
  remember_line(n, path);
  if (!n.IsSequence()) {
    error(n, path, "must be a list of strings, got " + type_name(n));
    return std::nullopt;
  }
  std::vector<std::string> out;
  size_t i = 0;
  for (const auto& item : n) {
    std::string p = path + "[" + std::to_string(i++) + "]";
    if (auto s = str(item, p)) out.push_back(*s);
  }
  return out;
}

std::optional<std::string> SpecReader::one_of(const YAML::Node& n, const std::string& path,
                                              std::initializer_list<const char*> allowed) {
  auto s = str(n, path);
  if (!s) return s;
  for (const char* a : allowed)
    if (*s == a) return s;
  std::string list;
  for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  error(n, path, "'" + *s + "' is not allowed", "use one of: " + list);
  return std::nullopt;
}

std::optional<std::string> SpecReader::https_url(const YAML::Node& n, const std::string& path) {
  auto s = str(n, path);
  if (!s) return s;
  if (s->rfind("https://", 0) != 0 || s->size() <= 8) {
    error(n, path, "must be an https:// URL, got '" + *s + "'", "plain HTTP is not allowed here");
    return std::nullopt;
  }
  return s;
}

bool is_dns_label(const std::string& s) {
  if (s.empty() || s.size() > 63) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(s.front()) || !alnum(s.back())) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) { return alnum(c) || c == '-'; });
}

bool is_dns_subdomain(const std::string& s) {
  if (s.empty() || s.size() > 253) return false;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    std::string label = s.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!is_dns_label(label)) return false;
    if (dot == std::string::npos) return true;
    start = dot + 1;
  }
}

}  // namespace lo::detail
