// What docker has: the registry containers (found by label, then read with
// one `docker inspect` for all of them: state, health, restart count,
// labels) and the volumes.
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "registry.hpp"

namespace lo::registry {

namespace {

std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string w; ss >> w;) out.push_back(w);
  return out;
}

Container from_inspect(const nlohmann::json& j) {
  Container c;
  c.name = j.value("Name", "");
  if (!c.name.empty() && c.name[0] == '/') c.name.erase(0, 1);
  c.restarts = j.value("RestartCount", 0);
  if (auto st = j.find("State"); st != j.end() && st->is_object()) {
    c.state = st->value("Status", "");
    if (auto h = st->find("Health"); h != st->end() && h->is_object()) c.health = h->value("Status", "");
  }
  if (auto cfg = j.find("Config"); cfg != j.end() && cfg->is_object())
    if (auto l = cfg->find("Labels"); l != cfg->end() && l->is_object())
      for (const auto& [k, v] : l->items())
        if (v.is_string()) c.labels[k] = v.get<std::string>();
  return c;
}

}  // namespace

std::map<std::string, Container> inspect_containers(docker::Docker& d, const std::vector<std::string>& refs) {
  std::map<std::string, Container> out;
  if (refs.empty()) return out;
  std::vector<std::string> args = {"container", "inspect"};
  args.insert(args.end(), refs.begin(), refs.end());
  // A container removed between listing and inspecting is simply absent:
  // docker prints the others and fails for it.
  ExecResult r = d.query(args);
  if (!r.ok() && !docker::not_found(r))
    throw Error("cannot inspect the registry containers (docker container inspect): " + r.err);
  if (r.out.find_first_not_of(" \t\r\n") == std::string::npos) return out;
  try {
    auto list = nlohmann::json::parse(r.out);
    for (const auto& j : list) {
      Container c = from_inspect(j);
      if (!c.name.empty()) out[c.name] = std::move(c);
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error("cannot read `docker container inspect` output: " + std::string(e.what()));
  }
  return out;
}

std::map<std::string, Container> registry_containers(docker::Docker& d) {
  auto ids = d.query_or_absent({"ps", "--all", "--quiet", "--no-trunc", "--filter", std::string("label=") + kLabelRegistry},
                               "list the registry containers");
  if (!ids) return {};
  return inspect_containers(d, words(*ids));
}

std::vector<std::string> volume_names(docker::Docker& d) {
  auto text = d.query_or_absent({"volume", "ls", "--format", "{{.Name}}"}, "list docker volumes");
  if (!text) return {};
  return words(*text);
}

std::vector<Registry> selected(const Target& t, bool with_shared) {
  std::vector<Registry> out;
  for (const auto& r : t.eff.registries)
    if (!r.shared || with_shared) out.push_back(r);
  return out;
}

std::vector<std::string> orphans(const Target& t, const std::map<std::string, Container>& have) {
  std::set<std::string> planned;
  for (const auto& r : t.eff.registries) planned.insert(r.container);
  std::vector<std::string> out;
  for (const auto& [name, c] : have) {
    auto it = c.labels.find(kLabelDomain);
    if (it != c.labels.end() && it->second == t.domain && !planned.count(name)) out.push_back(name);
  }
  return out;
}

}  // namespace lo::registry
