// kubectl lo use [DOMAIN]: with a DOMAIN, make it the active one (it must
// exist); without, show the active domain and list every domain. A bare
// `use` never changes anything (upstream B-7 wrote the default domain).
#include <iostream>

#include "commands.hpp"
#include "lo/log.hpp"
#include "lo/spec.hpp"
#include "lo/yaml_json.hpp"

namespace lo::cmd {
namespace {

// "Lo", "Deploy -> example.com", or "invalid spec" without failing the list.
std::string describe(const Workspace& ws, const DomainRef& d) {
  try {
    Spec s = load_spec_file(d.spec_file, ws.show(d.spec_file));
    if (s.kind == SpecKind::Deploy) return "Deploy -> " + s.clusterRefDomain.value_or("?");
    return s.kindText;
  } catch (const Error&) {
    return "(invalid spec: run kubectl lo lint " + d.name + ")";
  }
}

}  // namespace

namespace {

int use(const cli::Args& a) {
  std::string format = a.output("text");
  Workspace ws = find_workspace(a.get("root"));
  if (a.positionals().size() > 1) throw UsageError("too many arguments: " + a.positionals()[1], "use takes one DOMAIN");
  if (a.positionals().size() == 1) {
    const std::string& name = a.positionals()[0];
    validate_domain_name(name);
    DomainRef d = require_domain(ws, name);
    write_active_domain(ws, d.name);
    std::cout << "Switched to domain \"" << d.name << "\".\n";
    return kExitOk;
  }
  auto active = read_active_domain(ws);
  std::string effective = resolve_domain_name(ws, std::nullopt);
  auto domains = list_domains(ws);
  if (format == "json") {
    Json out = Json::object();
    out["active"] = active ? Json(*active) : Json(nullptr);
    out["effective"] = effective;
    out["root"] = ws.root.string();
    out["clusters"] = ws.clusters.string();
    Json list = Json::array();
    for (const auto& d : domains)
      list.push_back(Json{{"name", d.name}, {"kind", describe(ws, d)}, {"file", ws.show(d.spec_file)}});
    out["domains"] = std::move(list);
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  if (active) std::cout << "Active domain: " << *active << "\n";
  else std::cout << "No active domain set; commands use " << effective
                 << (std::getenv("DOMAIN_NAME") ? " (from DOMAIN_NAME)" : " (the default)") << ".\n";
  std::cout << "\n";
  if (domains.empty()) {
    std::cout << "No domains in " << ws.show(ws.clusters) << " yet.\n";
    return kExitOk;
  }
  size_t width = 6;
  for (const auto& d : domains) width = std::max(width, d.name.size());
  std::cout << "CURRENT   " << "DOMAIN" << std::string(width - 6 + 3, ' ') << "KIND\n";
  for (const auto& d : domains)
    std::cout << (d.name == effective ? "*         " : "          ") << d.name << std::string(width - d.name.size() + 3, ' ')
              << describe(ws, d) << "\n";
  return kExitOk;
}

}  // namespace

const cli::Command use_command{
    .name = "use",
    .summary = "Set or show the active domain, list the domains",
    .usage = "[DOMAIN]",
    .about = "Set the active domain (stored in clusters/.active), or with no DOMAIN show the active\n"
             "domain and list every domain of the project with its kind.",
    .flags = [](cli::Options& o) { cli::output_flag(o, {"text", "json"}, "json for a machine-readable list"); },
    .run = use,
    .words = cli::Words::Domain,
};

}  // namespace lo::cmd
