#include "kubectl-lo-build/envsubst.hpp"

#include <cstring>

namespace lo::build {
namespace {

constexpr std::string_view kSpecPrefix = "LOK8S_SPEC_";
constexpr std::string_view kUserPrefix = "LOK8S_USER_";

bool name_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9'); }

}  // namespace

bool is_substituted_name(std::string_view name) {
  auto family = [&](std::string_view prefix) {
    return name.size() > prefix.size() && name.substr(0, prefix.size()) == prefix;
  };
  if (!family(kSpecPrefix) && !family(kUserPrefix)) return false;
  for (char c : name)
    if (!name_char(c)) return false;
  return true;
}

VarMap substitution_variables(const std::vector<std::pair<std::string, std::string>>& spec_vars,
                              const char* const* env) {
  VarMap out;
  for (const auto& [k, v] : spec_vars)
    if (is_substituted_name(k)) out[k] = v;
  for (const char* const* e = env; e && *e; ++e) {
    std::string_view kv(*e);
    size_t eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    std::string name(kv.substr(0, eq));
    if (!is_substituted_name(name)) continue;
    // emplace keeps a spec value that is already there: the spec wins.
    out.emplace(std::move(name), std::string(kv.substr(eq + 1)));
  }
  return out;
}

std::string envsubst(std::string_view text, const VarMap& vars, std::set<std::string>* referenced) {
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  size_t pos = 0;
  const char* base = text.data();
  while (pos < text.size()) {
    const void* hit = std::memchr(base + pos, '$', text.size() - pos);
    if (!hit) break;
    size_t dollar = static_cast<size_t>(static_cast<const char*>(hit) - base);
    out.append(text.substr(pos, dollar - pos));
    size_t i = dollar + 1;
    bool braced = i < text.size() && text[i] == '{';
    if (braced) ++i;
    size_t name_begin = i;
    if (i < text.size() && name_start(text[i])) {
      ++i;
      while (i < text.size() && name_char(text[i])) ++i;
    }
    std::string_view name = text.substr(name_begin, i - name_begin);
    bool well_formed = !name.empty() && (!braced || (i < text.size() && text[i] == '}'));
    size_t end = braced && well_formed ? i + 1 : i;
    if (well_formed && is_substituted_name(name)) {
      if (referenced) referenced->emplace(name);
      auto it = vars.find(std::string(name));
      if (it != vars.end()) {
        out.append(it->second);
        pos = end;
        continue;
      }
    }
    // Not ours (or unset): copy the '$' alone and rescan from the next byte,
    // so "$$LOK8S_SPEC_X" still substitutes its second half, as GNU does.
    out.push_back('$');
    pos = dollar + 1;
  }
  out.append(text.substr(pos));
  return out;
}

}  // namespace lo::build
