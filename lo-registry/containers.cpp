// What docker has: the registry containers (found by label, one `docker ps`
// for all of them) and the volumes.
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "registry.hpp"

namespace lo::registry {

namespace {

// `docker ps --format {{json .}}` gives labels as "k=v,k2=v2".
std::map<std::string, std::string> parse_labels(const std::string& text) {
  std::map<std::string, std::string> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty()) continue;
    auto eq = item.find('=');
    if (eq == std::string::npos) out[item] = "";
    else out[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return out;
}

}  // namespace

std::map<std::string, Container> registry_containers(docker::Docker& d) {
  std::map<std::string, Container> out;
  auto text = d.query_or_absent({"ps", "--all", "--no-trunc", "--filter", std::string("label=") + kLabelRegistry, "--format", "{{json .}}"},
                                "list the registry containers");
  if (!text) return out;
  std::stringstream ss(*text);
  std::string line;
  while (std::getline(ss, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      auto j = nlohmann::json::parse(line);
      Container c;
      c.name = j.value("Names", "");
      // Names is a comma list when a container has links; the first is its own.
      if (auto comma = c.name.find(','); comma != std::string::npos) c.name.resize(comma);
      c.state = j.value("State", "");
      c.labels = parse_labels(j.value("Labels", ""));
      if (!c.name.empty()) out[c.name] = std::move(c);
    } catch (const nlohmann::json::exception& e) {
      throw Error("cannot read `docker ps` output: " + std::string(e.what()) + " in: " + line);
    }
  }
  return out;
}

std::vector<std::string> volume_names(docker::Docker& d) {
  std::vector<std::string> out;
  auto text = d.query_or_absent({"volume", "ls", "--format", "{{.Name}}"}, "list docker volumes");
  if (!text) return out;
  std::stringstream ss(*text);
  std::string line;
  while (std::getline(ss, line))
    if (!line.empty()) out.push_back(line);
  return out;
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
