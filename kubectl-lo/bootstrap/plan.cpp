// From spec.bootstrap to stages. Every entry is checked before anything is
// rendered or applied, and every problem is reported in one go with the
// entry's field path and line:
//   - where it lives (project addon, lo's addon, a path); an unknown entry
//     names every place lo looked
//   - chart.yaml and/or a kustomization (one of them is required); inline
//     values only for chart addons; values files and secrets.lok8s.yaml
//     that parse
//   - the names entries go by are unique; dependsOn names existing entries
//     and makes no cycle
// Without dependsOn the stages run in the list's order, each healthy before
// the next (the seeds). When any entry declares dependsOn, the list is a
// graph: an entry waits only for the entries it names.
#include <algorithm>
#include <map>
#include <set>

#include "bootstrap.hpp"
#include "lo/data_home.hpp"
#include "lo/kustomization.hpp"

namespace lo::bootstrap {
namespace fs = std::filesystem;
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string field_of(const Stage& s, const std::string& key) {
  std::string base = s.where() + "." + s.entry.name;
  if (key == "values" && !s.entry.keyed) return base;  // the one-key map form: the map is the values
  return key.empty() ? base : base + "." + key;
}

// Cycles among the stages' parents: the ids in or behind one, or empty.
std::vector<std::string> cycle_members(const std::vector<Stage>& stages) {
  std::vector<size_t> pending(stages.size());
  std::vector<std::vector<size_t>> children(stages.size());
  for (size_t i = 0; i < stages.size(); ++i) {
    pending[i] = stages[i].parents.size();
    for (size_t p : stages[i].parents) children[p].push_back(i);
  }
  std::vector<size_t> ready;
  for (size_t i = 0; i < stages.size(); ++i)
    if (!pending[i]) ready.push_back(i);
  size_t seen = 0;
  while (!ready.empty()) {
    size_t n = ready.back();
    ready.pop_back();
    ++seen;
    for (size_t c : children[n])
      if (--pending[c] == 0) ready.push_back(c);
  }
  std::vector<std::string> out;
  if (seen == stages.size()) return out;
  for (size_t i = 0; i < stages.size(); ++i)
    if (pending[i]) out.push_back(stages[i].id);
  return out;
}

class Planner {
 public:
  Planner(const Workspace& ws, const LoadedDomain& domain) {
    plan_.ws = ws;
    plan_.domain = domain;
  }

  Plan run(const std::vector<std::string>& only) {
    const Spec& spec = plan_.domain.spec;
    if (spec.kind == SpecKind::Deploy)
      throw Error("'" + plan_.domain.ref.name + "' is a deployment domain; it has no cluster of its own to bootstrap",
                  "bootstrap the cluster its spec.clusterRef.domain names (" + spec.clusterRefDomain.value_or("?") + ")");
    plan_.eff = effective_spec(spec);
    plan_.kind = lower(spec.kindText);
    plan_.provider = spec.provider.name.value_or("");
    plan_.kube_version = plan_.eff.spec.kubernetesVersion.value_or("");
    plan_.default_list = !spec.bootstrap.has_value() && plan_.eff.spec.bootstrap.has_value();
    const auto& entries = plan_.eff.spec.bootstrap ? *plan_.eff.spec.bootstrap : std::vector<BootstrapEntry>{};
    for (size_t i = 0; i < entries.size(); ++i) add_stage(i, entries[i]);
    check_names();
    link();
    diags_.throw_if_errors();
    select(only);
    return std::move(plan_);
  }

 private:
  Location at(const Stage& s, const std::string& field = {}) const {
    return Location{plan_.domain.spec.file, field.empty() ? s.where() : field, s.entry.line};
  }

  void add_stage(size_t index, const BootstrapEntry& e) {
    Stage s;
    s.index = index;
    s.entry = e;
    s.id = e.id();
    s.wait = e.wait.value_or(true);
    ResolvedEntry res = resolve_bootstrap_entry(plan_.ws, plan_.domain.ref.name, e.name);
    s.dir = res.dir;
    s.source = res.source;
    const Workspace& ws = plan_.ws;
    if (!res.found) {
      std::vector<std::string> looked;
      // A /x entry is shown whole: it is the project root's x, not the machine's /x.
      for (const auto& p : res.searched) looked.push_back(e.name.rfind('/', 0) == 0 ? p.string() : ws.show(p));
      std::string hint = is_path_entry(e.name)
                             ? "./ and ../ are relative to the domain folder, / to the project root"
                             : "an addon is a folder in .lok8s/addons/ of the project or in lo's addons/ "
                               "(kubectl lo addons lists them)";
      if (plan_.default_list)
        hint = "a Lo cluster without spec.bootstrap gets [cilium], but lo's addons are not where this lo looks (" +
               data_home().from + "): set LOK8S_HOME to lo's share/lo folder, or set spec.bootstrap";
      diags_.error(at(s), "entry '" + e.name + "'" + (plan_.default_list ? " (the default bootstrap)" : "") +
                              " not found (looked in " + join(looked) + ")", hint);
      plan_.stages.push_back(std::move(s));
      return;
    }
    std::string shown = ws.show(s.dir);
    try {
      s.chart = read_chart(s.dir, shown);
    } catch (const Error& err) {
      for (const auto& p : err.problems()) diags_.add(p);
    }
    s.has_kustomization = find_kustomization_file(s.dir).has_value();
    std::error_code ec;
    if (!s.chart && !s.has_kustomization && !fs::exists(s.dir / "chart.yaml", ec))
      diags_.error(at(s), "'" + e.name + "' (" + shown + ") has neither chart.yaml nor kustomization.yaml",
                   "an addon is a Helm chart (chart.yaml) or a kustomization; see addons/README.md");
    bool chart_addon = s.chart.has_value() || fs::exists(s.dir / "chart.yaml", ec);
    if (e.values && !chart_addon)
      diags_.error(at(s, field_of(s, "values")), "'" + e.name + "' is not a chart addon (no chart.yaml), so it takes no Helm values",
                   "patch a kustomize addon with a target of your own, or add env: for ${LOK8S_USER_*} variables");
    if (chart_addon) {
      for (const auto& name : value_layer_names(plan_.kind, plan_.provider)) {
        fs::path f = s.dir / name;
        if (!fs::is_regular_file(f, ec)) continue;
        s.value_files.push_back(f);
        try {
          read_values_file(f, ws.show(f));
        } catch (const Error& err) {
          for (const auto& p : err.problems()) diags_.add(p);
        }
      }
    }
    try {
      s.secrets = read_secrets(s.dir, shown);
    } catch (const Error& err) {
      for (const auto& p : err.problems()) diags_.add(p);
    }
    plan_.stages.push_back(std::move(s));
  }

  void check_names() {
    std::map<std::string, size_t> first;
    for (size_t i = 0; i < plan_.stages.size(); ++i) {
      const Stage& s = plan_.stages[i];
      auto [it, fresh] = first.emplace(s.id, i);
      if (fresh) continue;
      const Stage& other = plan_.stages[it->second];
      diags_.error(at(s), "two entries go by the name '" + s.id + "' (" + other.where() + " and " + s.where() + ")",
                   "give one of them its own name: (- " + s.entry.name + ": {name: other-name})");
    }
  }

  void link() {
    auto& stages = plan_.stages;
    for (const auto& s : stages) plan_.by_depends_on |= s.entry.dependsOn.has_value();
    if (!plan_.by_depends_on) {
      for (size_t i = 1; i < stages.size(); ++i) stages[i].parents = {i - 1};
      return;
    }
    std::map<std::string, size_t> by_id;
    for (size_t i = 0; i < stages.size(); ++i) by_id.emplace(stages[i].id, i);
    std::vector<std::string> ids;
    for (const auto& s : stages) ids.push_back(s.id);
    for (size_t i = 0; i < stages.size(); ++i) {
      Stage& s = stages[i];
      if (!s.entry.dependsOn) continue;
      for (size_t d = 0; d < s.entry.dependsOn->size(); ++d) {
        const std::string& name = (*s.entry.dependsOn)[d];
        std::string field = field_of(s, "dependsOn[" + std::to_string(d) + "]");
        auto it = by_id.find(name);
        if (it == by_id.end()) {
          diags_.error(at(s, field), "unknown entry '" + name + "'", "the entries are: " + join(ids));
        } else if (it->second == i) {
          diags_.error(at(s, field), "an entry cannot depend on itself");
        } else if (std::find(s.parents.begin(), s.parents.end(), it->second) == s.parents.end()) {
          s.parents.push_back(it->second);
        }
      }
    }
    if (diags_.has_errors()) return;
    auto cycle = cycle_members(stages);
    if (!cycle.empty())
      diags_.error(Location{plan_.domain.spec.file, "spec.bootstrap", plan_.domain.spec.line_of("spec.bootstrap")},
                   "dependsOn makes a cycle among " + join(cycle), "remove one dependsOn of the entries in the cycle");
  }

  void select(const std::vector<std::string>& only) {
    if (only.empty()) return;
    std::vector<std::string> ids;
    for (const auto& s : plan_.stages) ids.push_back(s.id);
    for (const auto& name : only)
      if (std::find(ids.begin(), ids.end(), name) == ids.end())
        throw UsageError("no entry '" + name + "' in spec.bootstrap of " + plan_.domain.ref.name,
                         ids.empty() ? "its bootstrap is empty" : "its entries are: " + join(ids));
    std::set<std::string> wanted(only.begin(), only.end());
    std::vector<Stage> kept;
    std::map<size_t, size_t> renumber;
    for (size_t i = 0; i < plan_.stages.size(); ++i) {
      if (!wanted.count(plan_.stages[i].id)) continue;
      renumber[i] = kept.size();
      kept.push_back(std::move(plan_.stages[i]));
    }
    for (size_t i = 0; i < kept.size(); ++i) {
      std::vector<size_t> parents;
      if (!plan_.by_depends_on) {
        if (i) parents.push_back(i - 1);
      } else {
        // A parent left out is taken as done: the user asked for these stages.
        for (size_t p : kept[i].parents)
          if (renumber.count(p)) parents.push_back(renumber[p]);
      }
      kept[i].parents = std::move(parents);
    }
    plan_.stages = std::move(kept);
  }

  Plan plan_;
  Diagnostics diags_;
};

}  // namespace

std::string Stage::where() const { return "spec.bootstrap[" + std::to_string(index) + "]"; }

Plan make_plan(const Workspace& ws, const LoadedDomain& domain, const std::vector<std::string>& only) {
  return Planner(ws, domain).run(only);
}

std::vector<std::string> plan_lines(const Plan& plan) {
  std::vector<std::string> lines;
  const size_t n = plan.stages.size();
  std::string head = "bootstrap of " + plan.domain.ref.name + " (" + plan.domain.spec.kindText + "): ";
  if (n == 0) {
    lines.push_back(head + "nothing to apply (spec.bootstrap is empty)");
    return lines;
  }
  head += std::to_string(n) + (n == 1 ? " stage" : " stages");
  head += plan.by_depends_on ? ", ordered by dependsOn" : ", in order, each healthy before the next";
  if (plan.default_list) head += " (the default: the spec has no bootstrap)";
  lines.push_back(head);
  for (size_t i = 0; i < n; ++i) {
    const Stage& s = plan.stages[i];
    std::string l = std::to_string(i + 1) + ". " + s.id + ": ";
    if (s.source == AddonSource::Lo) l += "lo's addon " + s.entry.name;
    else if (s.source == AddonSource::Project) l += "project addon " + plan.ws.show(s.dir);
    else l += plan.ws.show(s.dir);
    if (s.chart) {
      l += "; chart " + s.chart->describe() + ", release " + s.chart->release + " in " + s.chart->ns;
      std::vector<std::string> layers;
      for (const auto& f : s.value_files) layers.push_back(f.filename().string());
      if (s.entry.values) layers.push_back("inline");
      l += "; values " + (layers.empty() ? std::string("none") : join(layers, " < "));
      if (s.has_kustomization) l += "; then its kustomization";
    } else {
      l += "; kustomize";
    }
    for (const auto& sec : s.secrets) l += "; Secret " + sec.ns + "/" + sec.name + " from the environment";
    if (!s.entry.env.empty()) {
      std::vector<std::string> names;
      for (const auto& [k, v] : s.entry.env) names.push_back(k);
      l += "; env " + join(names);
    }
    l += s.wait ? "; wait until healthy" : "; no wait (wait: false)";
    if (plan.by_depends_on && !s.parents.empty()) {
      std::vector<std::string> after;
      for (size_t p : s.parents) after.push_back(plan.stages[p].id);
      l += "; after " + join(after);
    }
    lines.push_back(l);
  }
  return lines;
}

}  // namespace lo::bootstrap
