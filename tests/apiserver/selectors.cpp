#include "selectors.hpp"

#include "api_error.hpp"

#include <algorithm>
#include <regex>

namespace lotest {
namespace {

std::string trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t");
  if (a == std::string::npos) return "";
  size_t b = s.find_last_not_of(" \t");
  return s.substr(a, b - a + 1);
}

// Splits on commas outside parentheses.
std::vector<std::string> terms(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  for (char c : text) {
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth == 0) {
      out.push_back(trim(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!trim(cur).empty() || !out.empty()) out.push_back(trim(cur));
  return out;
}

std::vector<std::string> valueList(const std::string& inner) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : inner + ",") {
    if (c == ',') {
      out.push_back(trim(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  return out;
}

std::string asText(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

}  // namespace

Selector Selector::labels(const std::string& text) {
  static const std::regex setRe(R"(^([^\s!=()]+)\s+(in|notin)\s*\((.*)\)$)");
  Selector sel;
  for (const auto& term : terms(text)) {
    if (term.empty()) throw badRequest("unable to parse requirement: found '', expected: identifier");
    std::smatch m;
    if (std::regex_match(term, m, setRe)) {
      sel.reqs_.push_back({m[1], m[2] == "in" ? Op::In : Op::NotIn, valueList(m[3])});
    } else if (term[0] == '!') {
      sel.reqs_.push_back({trim(term.substr(1)), Op::NotExists, {}});
    } else if (auto p = term.find("!="); p != std::string::npos) {
      sel.reqs_.push_back({trim(term.substr(0, p)), Op::NotEq, {trim(term.substr(p + 2))}});
    } else if (auto q = term.find('='); q != std::string::npos) {
      size_t skip = term.compare(q, 2, "==") == 0 ? 2 : 1;
      sel.reqs_.push_back({trim(term.substr(0, q)), Op::Eq, {trim(term.substr(q + skip))}});
    } else if (term.find_first_of(" ()<>") == std::string::npos) {
      sel.reqs_.push_back({term, Op::Exists, {}});
    } else {
      throw badRequest("unable to parse requirement: " + term);
    }
    if (sel.reqs_.back().key.empty()) throw badRequest("unable to parse requirement: " + term);
  }
  return sel;
}

Selector Selector::fields(const std::string& text) {
  Selector sel;
  sel.onFields_ = true;
  for (const auto& term : terms(text)) {
    if (auto p = term.find("!="); p != std::string::npos) {
      sel.reqs_.push_back({trim(term.substr(0, p)), Op::NotEq, {trim(term.substr(p + 2))}});
    } else if (auto q = term.find('='); q != std::string::npos) {
      size_t skip = term.compare(q, 2, "==") == 0 ? 2 : 1;
      sel.reqs_.push_back({trim(term.substr(0, q)), Op::Eq, {trim(term.substr(q + skip))}});
    } else {
      throw badRequest("invalid field selector: '" + term + "': operator is required");
    }
  }
  return sel;
}

const nlohmann::json* Selector::valueOf(const nlohmann::json& obj, const std::string& key) const {
  if (!onFields_) {
    auto meta = obj.find("metadata");
    if (meta == obj.end()) return nullptr;
    auto labels = meta->find("labels");
    if (labels == meta->end() || !labels->is_object()) return nullptr;
    auto it = labels->find(key);
    return it == labels->end() ? nullptr : &*it;
  }
  const nlohmann::json* v = &obj;
  size_t start = 0;
  while (start <= key.size()) {
    size_t dot = key.find('.', start);
    std::string part = key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!v->is_object()) return nullptr;
    auto it = v->find(part);
    if (it == v->end()) return nullptr;
    v = &*it;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return v;
}

bool Selector::matches(const nlohmann::json& obj) const {
  static const nlohmann::json emptyString = "";
  for (const auto& r : reqs_) {
    const nlohmann::json* v = valueOf(obj, r.key);
    // Fields that are absent compare as empty strings (metadata.namespace of
    // cluster-scoped objects), as the real server does.
    if (onFields_ && !v) v = &emptyString;
    bool has = v != nullptr;
    std::string text = has ? asText(*v) : "";
    bool inValues = std::find(r.values.begin(), r.values.end(), text) != r.values.end();
    switch (r.op) {
      case Op::Eq:
      case Op::In:
        if (!has || !inValues) return false;
        break;
      case Op::NotEq:
      case Op::NotIn:
        if (has && inValues) return false;
        break;
      case Op::Exists:
        if (!has) return false;
        break;
      case Op::NotExists:
        if (has) return false;
        break;
    }
  }
  return true;
}

}  // namespace lotest
