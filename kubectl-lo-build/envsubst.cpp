#include "kubectl-lo-build/envsubst.hpp"

#include "lo/substitute.hpp"

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
  return substitute(text, [&](std::string_view name) -> const std::string* {
    if (!is_substituted_name(name)) return nullptr;
    if (referenced) referenced->emplace(name);
    auto it = vars.find(std::string(name));
    return it == vars.end() ? nullptr : &it->second;
  });
}

}  // namespace lo::build
