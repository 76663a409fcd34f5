// kubectl lo lint [DOMAIN...]: every check of a domain, then the checks
// across domains. Counts real errors and warnings (upstream counted failing
// units and printed "OK" after errors, B-5) and lints every domain when none
// is named (upstream only ever linted the active one).
//
// Per domain: the spec parses and validates (all problems of the file), the
// folder equals spec.cluster.domain, Lo defaulting succeeds, every
// spec.bootstrap entry (the effective list, so the default cilium too)
// resolves, every target has a kustomization whose local references exist
// (followed into the folders it lists), and a Deploy spec's clusterRef names
// a cluster domain. The objects of a target's files: labels Tilt routes
// by, Secrets in plain text (lint_objects.hpp).
// Across domains: one cluster per plane (a cluster domain that is a
// subdomain of another is an error naming both; two Lo clusters under one
// apex are an error; other same-apex pairs a warning), and a Lo cluster whose
// Kubernetes version differs from a production cluster serving the same apex
// is an error ("dev mirrors prod"). N.lok8s.dev shards are separate planes by
// design and exempt from the apex rule.
#include <functional>
#include <iostream>
#include <map>
#include <set>

#include "apex.hpp"
#include "commands.hpp"
#include "bootstrap/bootstrap.hpp"
#include "lint_objects.hpp"
#include "lo/addons.hpp"
#include "lo/cli.hpp"
#include "lo/fs.hpp"
#include "lo/defaults.hpp"
#include "lo/kustomization.hpp"
#include "lo/log.hpp"
#include "services.hpp"

namespace lo::cmd {
namespace {
namespace fs = std::filesystem;

struct DomainResult {
  std::string name;
  std::string kind;
  std::vector<Problem> problems;
  std::optional<Spec> spec;           // parsed, when it parsed
  std::optional<EffectiveSpec> eff;   // defaulted Lo spec
};

void add_error(DomainResult& r, Location where, std::string what, std::string hint = {}) {
  r.problems.push_back(Problem{Severity::Error, std::move(where), std::move(what), std::move(hint)});
}

void add_all(DomainResult& r, const std::vector<Problem>& ps) { r.problems.insert(r.problems.end(), ps.begin(), ps.end()); }

// Every entry of spec.bootstrap (the effective list, so a Lo spec's default
// cilium too), checked by the bootstrap planner: where it lives, chart.yaml,
// values files, secrets.lok8s.yaml, names and dependsOn.
void check_bootstrap(const Workspace& ws, const DomainRef& d, DomainResult& r) {
  if (r.spec->kind == SpecKind::Lo && !r.eff) return;  // its spec errors are reported already
  try {
    bootstrap::make_plan(ws, LoadedDomain{d, *r.spec});
  } catch (const Error& e) {
    add_all(r, e.problems());
  }
}

// Checks one kustomization and, recursively, the folders it lists, and the
// objects of the resource files it reaches (`labels`: the label keys the
// kustomizations on the way set on them).
void check_kustomization(const Workspace& ws, DomainResult& r, const fs::path& dir, std::set<fs::path>& seen,
                         std::set<std::string> labels = {}) {
  if (!seen.insert(fs::weakly_canonical(dir)).second) return;
  Kustomization k;
  try {
    k = read_kustomization(dir, ws.show(dir));
  } catch (const Error& e) {
    add_all(r, e.problems());
    return;
  }
  std::error_code ec;
  std::string file = ws.show(k.file);
  labels.merge(kustomization_label_keys(k.file));
  for (const auto& ref : k.local) {
    if (!fs::exists(ref.path, ec)) {
      add_error(r, Location{file, ref.field, ref.line}, "references '" + ref.value + "', which does not exist",
                "create it or remove the reference");
      continue;
    }
    if (ref.kustomization_dir() && fs::is_directory(ref.path, ec)) check_kustomization(ws, r, ref.path, seen, labels);
    else if (ref.kind == RefKind::Resource && fs::is_regular_file(ref.path, ec))
      lint_resource_file(ref.path, ws.show(ref.path), labels, r.problems);
  }
}

void check_targets(const Workspace& ws, DomainResult& r) {
  for (const auto& t : list_targets(ws, r.name)) {
    std::set<fs::path> seen;
    check_kustomization(ws, r, ws.domain_dir(r.name) / "targets" / t, seen);
  }
}

void check_cluster_ref(const Workspace& ws, DomainResult& r) {
  const Spec& s = *r.spec;
  if (!s.clusterRefDomain) return;
  Location where{s.file, "spec.clusterRef.domain", s.line_of("spec.clusterRef.domain")};
  auto ref = find_domain(ws, *s.clusterRefDomain);
  if (!ref) {
    add_error(r, where, "cluster domain '" + *s.clusterRefDomain + "' not found in " + ws.show(ws.clusters),
              "create clusters/" + *s.clusterRefDomain + "/cluster.lok8s.yaml or fix the reference");
    return;
  }
  if (ref->kind != DomainKind::Cluster)
    add_error(r, where, "'" + *s.clusterRefDomain + "' is a deploy domain; clusterRef must name a cluster domain");
}

DomainResult lint_domain(const Workspace& ws, const DomainRef& d) {
  DomainResult r;
  r.name = d.name;
  try {
    LoadedDomain loaded = load_domain(ws, d.name);
    r.spec = loaded.spec;
    r.kind = loaded.spec.kindText;
    add_all(r, loaded.spec.warnings);
  } catch (const Error& e) {
    // Parse errors come with the parse warnings lost; re-parse for them is
    // not worth it: errors must be fixed first.
    add_all(r, e.problems());
    try {
      r.spec = load_spec_file(d.spec_file, ws.show(d.spec_file));
      r.kind = r.spec->kindText;
    } catch (const Error&) {
      r.kind = "invalid";
      return r;
    }
  }
  if (r.spec->kind == SpecKind::Lo) {
    try {
      r.eff = effective_spec(*r.spec);
    } catch (const Error& e) {
      add_all(r, e.problems());
    }
  }
  if (r.spec->kind == SpecKind::Deploy) check_cluster_ref(ws, r);
  else check_bootstrap(ws, d, r);
  check_targets(ws, r);
  return r;
}

// The project's services: services.yaml, its overrides and every service's
// lok8s.yaml, checked as 'kubectl lo services' and the Tilt extension do.
std::optional<DomainResult> lint_services(const Workspace& ws) {
  Diagnostics diags;
  services::Services s;
  try {
    s = services::load(ws, services::options_from_env(), diags);
  } catch (const Error& e) {
    for (const auto& p : e.problems()) diags.add(p);
  }
  if (!s.found && diags.problems().empty()) return std::nullopt;
  DomainResult r;
  r.name = "services";
  r.kind = "services.yaml and lok8s.yaml files";
  r.problems = diags.problems();
  return r;
}

bool production(SpecKind k) { return k == SpecKind::Capi || k == SpecKind::KubeOne || k == SpecKind::Kkp; }

bool is_subdomain(const std::string& a, const std::string& b) {
  return a.size() > b.size() && a.compare(a.size() - b.size() - 1, b.size() + 1, "." + b) == 0;
}

// Cross-domain checks over every cluster domain of the project; problems are
// attached to the domain they concern, if it is being reported.
void check_planes(std::map<std::string, DomainResult*>& by_name, const std::vector<DomainResult>& all) {
  std::vector<const DomainResult*> clusters;
  for (const auto& r : all)
    if (r.spec && r.spec->kind != SpecKind::Deploy && r.spec->domain && !slot_from_domain(r.name)) clusters.push_back(&r);
  auto report = [&](const std::string& domain, Problem p) {
    if (auto it = by_name.find(domain); it != by_name.end()) it->second->problems.push_back(std::move(p));
  };
  for (size_t i = 0; i < clusters.size(); ++i) {
    for (size_t j = 0; j < clusters.size(); ++j) {
      if (i == j) continue;
      const auto* a = clusters[i];
      const auto* b = clusters[j];
      Location where{a->spec->file, "spec.cluster.domain", a->spec->line_of("spec.cluster.domain")};
      if (is_subdomain(a->name, b->name)) {
        report(a->name, Problem{Severity::Error, where,
                                "cluster '" + a->name + "' is a subdomain of cluster '" + b->name + "': one cluster per plane",
                                "express " + a->name + " as a target or route inside clusters/" + b->name + "/, not as a second cluster spec"});
      } else if (i < j && !is_subdomain(b->name, a->name) && apex_of(a->name) == apex_of(b->name)) {
        bool both_dev = a->spec->kind == SpecKind::Lo && b->spec->kind == SpecKind::Lo;
        std::string what = "clusters '" + a->name + "' and '" + b->name + "' share the apex " + apex_of(a->name);
        report(a->name, Problem{both_dev ? Severity::Error : Severity::Warning, where,
                                what + (both_dev ? ": two dev clusters for one apex" : ""),
                                both_dev ? "one cluster per plane: keep one dev cluster and express the other as targets/routes"
                                         : "one cluster per plane: fine only if they are different planes (e.g. management and workload)"});
      }
    }
  }
  // Dev mirrors prod: a Lo cluster and a production cluster serving the same apex run one Kubernetes version.
  for (const auto* dev : clusters) {
    if (dev->spec->kind != SpecKind::Lo || !dev->eff) continue;
    std::string dev_apex = apex_of(dev->name);
    for (const auto* prod : clusters) {
      if (!production(prod->spec->kind) || !prod->spec->kubernetesVersion) continue;
      bool serves = apex_of(prod->name) == dev_apex ||
                    (prod->spec->dnsDomainFilter && apex_of(*prod->spec->dnsDomainFilter) == dev_apex);
      if (!serves) continue;
      const std::string& dv = *dev->eff->spec.kubernetesVersion;
      if (dv == *prod->spec->kubernetesVersion) continue;
      bool defaulted = !dev->spec->kubernetesVersion;
      report(dev->name, Problem{Severity::Error,
                                Location{dev->spec->file, "spec.kubernetes.version", dev->spec->line_of("spec.kubernetes.version")},
                                "dev cluster runs Kubernetes " + dv + (defaulted ? " (lo's default)" : "") + " but production cluster '" +
                                    prod->name + "' (" + prod->spec->kindText + ") serving " + dev_apex + " runs " +
                                    *prod->spec->kubernetesVersion,
                                "dev mirrors prod: set spec.kubernetes.version: " + *prod->spec->kubernetesVersion +
                                    " (a kind cluster is recreated to change it)"});
    }
  }
}

int lint(const cli::Args& a) {
  Workspace ws = find_workspace(a.get("root"));
  std::vector<DomainRef> all = list_domains(ws);
  std::set<std::string> selected;
  std::vector<DomainResult> results;
  size_t errors = 0, warnings = 0;
  for (const auto& name : a.positionals()) {
    validate_domain_name(name);
    if (!find_domain(ws, name)) {
      DomainResult r;
      r.name = name;
      r.kind = "missing";
      try {
        require_domain(ws, name);
      } catch (const Error& e) {
        add_all(r, e.problems());
      }
      results.push_back(std::move(r));
      continue;
    }
    selected.insert(name);
  }
  if (a.positionals().empty()) {
    for (const auto& d : all) selected.insert(d.name);
    // Folders that look like domains but have no spec (e.g. a misnamed file).
    for (const auto& n : visible_subfolders(ws.clusters)) {
      if (find_domain(ws, n)) continue;
      DomainResult r;
      r.name = n;
      r.kind = "no spec";
      r.problems.push_back(Problem{Severity::Warning, Location{ws.show(ws.clusters / n)},
                                   "is not a domain: it has no cluster.lok8s.yaml or deploy.lok8s.yaml",
                                   "add a spec, or move the folder out of clusters/"});
      results.push_back(std::move(r));
    }
  }
  // Every domain is read (the cross-domain checks need them all); only the
  // selected ones are reported.
  std::vector<DomainResult> every;
  for (const auto& d : all) every.push_back(lint_domain(ws, d));
  std::map<std::string, DomainResult*> by_name;
  for (auto& r : every)
    if (selected.count(r.name)) by_name[r.name] = &r;
  check_planes(by_name, every);
  for (auto& r : every)
    if (selected.count(r.name)) results.push_back(std::move(r));
  std::sort(results.begin(), results.end(), [](const DomainResult& x, const DomainResult& y) { return x.name < y.name; });
  size_t domains = results.size();
  if (auto svc = lint_services(ws)) results.push_back(std::move(*svc));

  for (const auto& r : results) {
    std::cout << log::bold(r.name, true) << " (" << r.kind << ")\n";
    if (r.problems.empty()) std::cout << "  " << log::green("ok", true) << "\n";
    for (const auto& p : r.problems) {
      bool err = p.severity == Severity::Error;
      (err ? errors : warnings)++;
      std::string text = format_problem(p);
      for (size_t pos = 0; (pos = text.find('\n', pos)) != std::string::npos; pos += 3) text.replace(pos, 1, "\n  ");
      std::cout << "  " << (err ? log::red("error:", true) : log::yellow("warning:", true)) << " " << text << "\n";
    }
  }
  std::cout << "\n" << domains << (domains == 1 ? " domain" : " domains") << (results.size() > domains ? " and the services" : "")
            << " checked: " << errors
            << (errors == 1 ? " error, " : " errors, ") << warnings << (warnings == 1 ? " warning" : " warnings") << "\n";
  return errors ? kExitFailure : kExitOk;
}

}  // namespace

const cli::Command lint_command{
    .name = "lint",
    .summary = "Check specs, targets and the project layout",
    .usage = "[DOMAIN...]",
    .about = "Check specs, targets and the project layout: spec fields and defaults, folder names,\n"
             "bootstrap entries, target kustomizations, Deploy clusterRefs, one cluster per plane,\n"
             "and that dev clusters run the Kubernetes version of their production cluster. Warns about\n"
             "target objects without lok8s.dev/name or lok8s.dev/type (Tilt cannot route them) and\n"
             "Secrets with data or stringData in a target's files. Then the\n"
             "project's services.yaml (with its profile) and every service's lok8s.yaml.\n"
             "With no DOMAIN every domain is checked. Exit 1 when there is any error.",
    .run = lint,
    .words = cli::Words::Domains,
};

}  // namespace lo::cmd
