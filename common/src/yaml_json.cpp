#include "lo/yaml_json.hpp"

#include <cmath>
#include <cstdlib>

#include "lo/error.hpp"

namespace lo {
namespace {

bool is_null_word(const std::string& s) { return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL"; }
bool is_true_word(const std::string& s) { return s == "true" || s == "True" || s == "TRUE"; }
bool is_false_word(const std::string& s) { return s == "false" || s == "False" || s == "FALSE"; }

bool all_digits(const std::string& s, size_t from, int base) {
  if (from >= s.size()) return false;
  for (size_t i = from; i < s.size(); ++i) {
    char c = s[i];
    bool ok = base == 16 ? std::isxdigit(static_cast<unsigned char>(c)) : base == 8 ? (c >= '0' && c <= '7') : std::isdigit(static_cast<unsigned char>(c));
    if (!ok) return false;
  }
  return true;
}

// YAML 1.2 core schema int: [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+
std::optional<Json> as_int(const std::string& s) {
  errno = 0;
  if (s.size() > 2 && s[0] == '0' && s[1] == 'x' && all_digits(s, 2, 16)) {
    unsigned long long v = std::strtoull(s.c_str() + 2, nullptr, 16);
    if (errno == ERANGE) return std::nullopt;
    return Json(v);
  }
  if (s.size() > 2 && s[0] == '0' && s[1] == 'o' && all_digits(s, 2, 8)) {
    unsigned long long v = std::strtoull(s.c_str() + 2, nullptr, 8);
    if (errno == ERANGE) return std::nullopt;
    return Json(v);
  }
  size_t start = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  if (!all_digits(s, start, 10)) return std::nullopt;
  if (s[0] == '-') {
    long long v = std::strtoll(s.c_str(), nullptr, 10);
    if (errno == ERANGE) return std::nullopt;
    return Json(v);
  }
  unsigned long long v = std::strtoull(s.c_str() + start, nullptr, 10);
  if (errno == ERANGE) return std::nullopt;
  if (v <= static_cast<unsigned long long>(INT64_MAX)) return Json(static_cast<int64_t>(v));
  return Json(v);
}

// Scans [0-9_]* (digits, with underscores when `underscores`), returns the
// position after them.
size_t digits_from(const std::string& s, size_t i, bool underscores) {
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || (underscores && s[i] == '_'))) ++i;
  return i;
}

// [eE][-+]?[0-9]+ at i; returns the end, or npos when malformed.
size_t exponent_from(const std::string& s, size_t i) {
  if (i >= s.size() || (s[i] != 'e' && s[i] != 'E')) return i;
  ++i;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  size_t end = digits_from(s, i, false);
  return end == i ? std::string::npos : end;
}

// A decimal number: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?,
// with underscores allowed when `yaml11`.
bool decimal_number(const std::string& s, bool yaml11) {
  size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  size_t int_end = digits_from(s, i, yaml11);
  bool int_digits = int_end > i;
  i = int_end;
  if (i < s.size() && s[i] == '.') {
    size_t frac_end = digits_from(s, i + 1, yaml11);
    if (!int_digits && frac_end == i + 1) return false;
    i = frac_end;
  } else if (!int_digits) {
    return false;
  }
  i = exponent_from(s, i);
  return i == s.size();
}

// YAML 1.2 core schema float (finite only: JSON cannot hold .inf/.nan).
std::optional<Json> as_float(const std::string& s) {
  if (!decimal_number(s, false)) return std::nullopt;
  double d = std::strtod(s.c_str(), nullptr);
  if (!std::isfinite(d)) return std::nullopt;
  return Json(d);
}

// Forms YAML 1.1 readers take as numbers: 1_000, 0b101, 12:30:00, .inf, .nan.
bool yaml11_number(const std::string& s) {
  if (decimal_number(s, true)) return true;
  std::string t = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? s.substr(1) : s;
  for (const char* w : {".inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN"})
    if (t == w) return true;
  if (t.size() > 2 && t[0] == '0' && t[1] == 'b')
    return t.find_first_not_of("01_", 2) == std::string::npos;
  // sexagesimal: [0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?
  size_t i = digits_from(t, 0, true);
  if (i == 0 || i >= t.size() || t[i] != ':') return false;
  while (i < t.size() && t[i] == ':') {
    size_t j = digits_from(t, i + 1, false);
    if (j == i + 1 || j - i - 1 > 2) return false;
    i = j;
  }
  if (i < t.size() && t[i] == '.') i = digits_from(t, i + 1, true);
  return i == t.size();
}

struct Converter {
  const std::string& file;
  size_t budget;

  Json convert(const YAML::Node& n, int depth) {
    if (budget == 0)
      throw Error(Location{file, "", n.Mark().line + 1, n.Mark().column + 1},
                  "document is too large (too many nodes, possibly through aliases)");
    --budget;
    if (depth > 500)
      throw Error(Location{file, "", n.Mark().line + 1, n.Mark().column + 1}, "document is nested too deeply");
    switch (n.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        return nullptr;
      case YAML::NodeType::Scalar: {
        const std::string& s = n.Scalar();
        if (n.Tag() != "?") {
          // quoted or explicitly tagged: honour the common explicit tags
          if (n.Tag() == "tag:yaml.org,2002:int") if (auto v = as_int(s)) return *v;
          if (n.Tag() == "tag:yaml.org,2002:bool") { if (is_true_word(s)) return true; if (is_false_word(s)) return false; }
          if (n.Tag() == "tag:yaml.org,2002:null") return nullptr;
          return s;
        }
        if (is_null_word(s)) return nullptr;
        if (is_true_word(s)) return true;
        if (is_false_word(s)) return false;
        if (auto v = as_int(s)) return *v;
        if (auto v = as_float(s)) return *v;
        return s;
      }
      case YAML::NodeType::Sequence: {
        Json arr = Json::array();
        for (const auto& item : n) arr.push_back(convert(item, depth + 1));
        return arr;
      }
      case YAML::NodeType::Map: {
        Json obj = Json::object();
        for (const auto& kv : n) {
          if (!kv.first.IsScalar())
            throw Error(Location{file, "", kv.first.Mark().line + 1, kv.first.Mark().column + 1},
                        "map keys must be plain strings");
          obj[kv.first.Scalar()] = convert(kv.second, depth + 1);
        }
        return obj;
      }
    }
    return nullptr;
  }
};

void emit(YAML::Emitter& out, const Json& v) {
  switch (v.type()) {
    case Json::value_t::null:
      out << YAML::Null;
      break;
    case Json::value_t::boolean:
      out << (v.get<bool>() ? "true" : "false");
      break;
    case Json::value_t::number_integer:
      out << v.get<int64_t>();
      break;
    case Json::value_t::number_unsigned:
      out << v.get<uint64_t>();
      break;
    case Json::value_t::number_float: {
      std::string s = v.dump();
      out << s;
      break;
    }
    case Json::value_t::string: {
      const auto& s = v.get_ref<const std::string&>();
      // yaml-cpp writes literal blocks with "clip" chomping only: exact for
      // text that ends in exactly one newline, lossy otherwise.
      bool one_final_newline = s.size() >= 2 && s.back() == '\n' && s[s.size() - 2] != '\n';
      if (one_final_newline && s.find_first_of("\t\r") == std::string::npos && s.front() != ' ')
        out << YAML::Literal << s;
      else if (yaml_needs_quotes(s))
        out << YAML::DoubleQuoted << s;
      else
        out << s;
      break;
    }
    case Json::value_t::array:
      if (v.empty()) {
        out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
        break;
      }
      out << YAML::BeginSeq;
      for (const auto& item : v) emit(out, item);
      out << YAML::EndSeq;
      break;
    case Json::value_t::object:
      if (v.empty()) {
        out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
        break;
      }
      out << YAML::BeginMap;
      for (const auto& [k, item] : v.items()) {
        out << YAML::Key;
        if (yaml_needs_quotes(k)) out << YAML::DoubleQuoted;
        out << k << YAML::Value;
        emit(out, item);
      }
      out << YAML::EndMap;
      break;
    default:
      out << YAML::Null;
  }
}

}  // namespace

bool yaml_needs_quotes(const std::string& s) {
  if (is_null_word(s) || is_true_word(s) || is_false_word(s)) return true;
  // YAML 1.1 booleans some tools still read
  static const char* old_bools[] = {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF"};
  for (const char* b : old_bools)
    if (s == b) return true;
  if (as_int(s) || as_float(s)) return true;
  if (s.front() == ' ' || s.back() == ' ') return true;
  if (yaml11_number(s)) return true;
  // Leading characters that start other YAML syntax.
  if (std::string("!&*-?:,[]{}#|>@`\"'%").find(s.front()) != std::string::npos) return true;
  if (s.find(": ") != std::string::npos || s.find(" #") != std::string::npos || s.back() == ':') return true;
  return false;
}

Json yaml_to_json(const YAML::Node& node, const std::string& file, size_t node_budget) {
  Converter c{file, node_budget};
  return c.convert(node, 0);
}

std::vector<Json> parse_yaml_documents(const std::string& text, const std::string& file) {
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    throw Error(Location{file, "", e.mark.line + 1, e.mark.column + 1}, "invalid YAML: " + e.msg);
  }
  std::vector<Json> out;
  out.reserve(docs.size());
  for (const auto& d : docs) {
    if (!d.IsDefined() || d.IsNull()) continue;
    out.push_back(yaml_to_json(d, file));
  }
  return out;
}

std::string json_to_yaml(const Json& value) {
  YAML::Emitter out;
  out.SetIndent(2);
  out.SetSeqFormat(YAML::Block);
  out.SetMapFormat(YAML::Block);
  emit(out, value);
  std::string s = out.c_str();
  if (s.empty() || s.back() != '\n') s += '\n';
  return s;
}

}  // namespace lo
