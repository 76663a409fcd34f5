// kubectl lo addons [NAME...] [-o json]: the addons spec.bootstrap can name,
// the project's (.lok8s/addons/) and lo's own, with their chart, version,
// values files and secrets.
#include <yaml-cpp/yaml.h>

#include <iostream>
#include <set>

#include "bootstrap/bootstrap.hpp"
#include "commands.hpp"
#include "lo/addons.hpp"
#include "lo/cli.hpp"
#include "lo/data_home.hpp"
#include "lo/fs.hpp"
#include "lo/kustomization.hpp"
#include "lo/log.hpp"
#include "lo/table.hpp"

namespace lo::cmd {
namespace fs = std::filesystem;
namespace {

struct AddonInfo {
  AddonRef ref;
  std::optional<bootstrap::Chart> chart;
  bool kustomization = false;
  std::vector<std::string> values;  // values*.yaml files
  std::vector<bootstrap::SecretSpec> secrets;
  std::vector<std::string> labels;  // key=value of the kustomization's labels
  std::string problem;              // why it cannot be read
};

std::vector<std::string> kustomization_labels(const fs::path& file) {
  std::vector<std::string> out;
  try {
    YAML::Node k = YAML::Load(read_file(file, 1 << 20));
    if (k["labels"].IsSequence())
      for (const auto& l : k["labels"])
        if (l["pairs"].IsMap())
          for (const auto& kv : l["pairs"]) out.push_back(kv.first.Scalar() + "=" + kv.second.Scalar());
  } catch (const std::exception&) {
  }
  return out;
}

AddonInfo inspect(const Workspace& ws, const AddonRef& ref) {
  AddonInfo a;
  a.ref = ref;
  std::string shown = ws.show(ref.dir);
  try {
    a.chart = bootstrap::read_chart(ref.dir, shown);
    a.secrets = bootstrap::read_secrets(ref.dir, shown);
  } catch (const Error& e) {
    a.problem = format_problem(e.problems().front());
  }
  auto k = find_kustomization_file(ref.dir);
  a.kustomization = k.has_value();
  if (k) a.labels = kustomization_labels(*k);
  std::error_code ec;
  std::set<std::string> values;
  for (const auto& e : fs::directory_iterator(ref.dir, ec)) {
    std::string n = e.path().filename().string();
    if (n.rfind("values", 0) == 0 && n.size() > 5 && n.substr(n.size() - 5) == ".yaml" && e.is_regular_file(ec)) values.insert(n);
  }
  if (values.erase("values.yaml")) a.values.push_back("values.yaml");  // the base layer first
  a.values.insert(a.values.end(), values.begin(), values.end());
  return a;
}

std::string from_text(const AddonInfo& a) {
  if (a.ref.source == AddonSource::Lo) return "lo";
  return a.ref.hides_lo ? "project (hides lo's)" : "project";
}

Json to_json(const AddonInfo& a) {
  Json j = {{"name", a.ref.name}, {"from", to_string(a.ref.source)}, {"dir", a.ref.dir.string()}, {"hidesLo", a.ref.hides_lo}};
  if (a.chart) {
    Json c = {{"chart", a.chart->chart}, {"release", a.chart->release}, {"namespace", a.chart->ns}};
    if (a.chart->repository) c["repository"] = *a.chart->repository;
    if (a.chart->version) c["version"] = *a.chart->version;
    if (a.chart->kubeVersion) c["kubeVersion"] = *a.chart->kubeVersion;
    j["chart"] = c;
  } else {
    j["chart"] = nullptr;
  }
  j["kustomization"] = a.kustomization;
  j["values"] = a.values;
  Json secrets = Json::array();
  for (const auto& s : a.secrets) {
    Json keys = Json::array();
    for (const auto& k : s.keys) keys.push_back({{"key", k.key}, {"env", k.env}, {"optional", k.optional}});
    secrets.push_back({{"name", s.name}, {"namespace", s.ns}, {"keys", keys}});
  }
  j["secrets"] = secrets;
  j["labels"] = a.labels;
  if (!a.problem.empty()) j["problem"] = a.problem;
  return j;
}

void print_table(const std::vector<AddonInfo>& list) {
  std::vector<std::vector<std::string>> rows{{"NAME", "FROM", "CHART", "VERSION", "VALUES"}};
  for (const auto& a : list) {
    std::string chart = a.chart ? (a.chart->local() ? a.chart->chart + " (local)" : a.chart->chart + " (" + *a.chart->repository + ")")
                                : (a.kustomization ? "- (kustomize)" : "-");
    if (!a.problem.empty()) chart = "(broken: see kubectl lo addons " + a.ref.name + ")";
    rows.push_back({a.ref.name, from_text(a), chart, a.chart && a.chart->version ? *a.chart->version : "-",
                    a.values.empty() ? "-" : join(a.values)});
  }
  std::cout << format_table(rows);
}

void print_details(const Workspace& ws, const std::vector<AddonInfo>& list) {
  for (size_t i = 0; i < list.size(); ++i) {
    const AddonInfo& a = list[i];
    if (i) std::cout << "---\n";
    std::cout << "name:     " << a.ref.name << "\n"
              << "from:     " << from_text(a) << ", " << ws.show(a.ref.dir) << "\n";
    if (a.chart) {
      std::cout << "chart:    " << a.chart->describe() << "\n"
                << "release:  " << a.chart->release << " in " << a.chart->ns
                << (a.chart->kubeVersion ? " (kubeVersion " + *a.chart->kubeVersion + " when the spec names none)" : "") << "\n";
      if (a.kustomization) std::cout << "then:     its kustomization.yaml over the chart's output\n";
    } else {
      std::cout << "render:   " << (a.kustomization ? "kustomize" : "nothing: no chart.yaml and no kustomization.yaml") << "\n";
    }
    std::cout << "values:   " << (a.values.empty() ? "-" : join(a.values)) << "\n";
    for (const auto& s : a.secrets) std::cout << "secret:   " << bootstrap::describe_secret(s) << "\n";
    if (!a.labels.empty()) std::cout << "labels:   " << join(a.labels) << "\n";
    if (!a.problem.empty()) std::cout << "problem:  " << a.problem << "\n";
  }
}

int addons(const cli::Args& a) {
  std::string format = a.output("text");
  Workspace ws;
  try {
    ws = find_workspace(a.get("root"));
  } catch (const Error&) {
    if (a.get("root")) throw;
    ws.root = fs::current_path();  // outside a project: lo's addons only
    ws.clusters = ws.root / "clusters";
  }
  std::vector<AddonRef> all = list_addons(ws);
  std::vector<AddonRef> picked;
  if (a.positionals().empty()) {
    picked = all;
  } else {
    std::vector<std::string> names;
    for (const auto& r : all) names.push_back(r.name);
    for (const auto& n : a.positionals()) {
      auto it = std::find_if(all.begin(), all.end(), [&](const AddonRef& r) { return r.name == n; });
      if (it == all.end())
        throw Error("no addon '" + n + "' (looked in " + join({ws.show(addon_search_path(ws)[0]), addon_search_path(ws)[1].string()}) + ")",
                    names.empty() ? "lo's addons are missing: set LOK8S_HOME to lo's share/lo folder" : "addons: " + join(names));
      picked.push_back(*it);
    }
  }
  if (all.empty() && !data_home().found)
    log::warning("kubectl lo addons", "lo's own addons were not found (looked in " +
                                          join([] {
                                            std::vector<std::string> s;
                                            for (const auto& p : data_home().searched) s.push_back(p.string());
                                            return s;
                                          }()) + ")",
                 "set LOK8S_HOME to lo's share/lo folder");
  std::vector<AddonInfo> infos;
  for (const auto& r : picked) infos.push_back(inspect(ws, r));
  if (format == "json") {
    Json out = Json::array();
    for (const auto& i : infos) out.push_back(to_json(i));
    std::cout << out.dump(2) << "\n";
  } else if (a.positionals().empty()) {
    print_table(infos);
  } else {
    print_details(ws, infos);
  }
  return kExitOk;
}

}  // namespace

const cli::Command addons_command{
    .name = "addons",
    .summary = "List the addons spec.bootstrap can name",
    .usage = "[NAME...] [-o json]",
    .about = "List the addons spec.bootstrap can name: the project's (.lok8s/addons/, which hide lo's of\n"
             "the same name) and lo's own (share/lo/addons: where kubectl lo version -o json says lo's\n"
             "data is), with their chart, version and values files. With NAMEs, everything about those\n"
             "addons.",
    .flags = [](cli::Options& o) { cli::output_flag(o, {"text", "json"}, "json for a machine-readable answer"); },
    .run = addons,
};

}  // namespace lo::cmd
