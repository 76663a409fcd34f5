// lo-registry plan [DOMAIN] [-o json|yaml]: the registries a Lo domain runs
// (build, cache, mirrors) with their addresses, hostnames, containers and
// ports, straight from the effective spec. Nothing is started.
#include "plan.hpp"

#include <iostream>

#include "lo/defaults.hpp"
#include "lo/log.hpp"
#include "lo/table.hpp"
#include "lo/yaml_json.hpp"

namespace lo::registry {

namespace {

int plan(const cli::Args& a) {
  std::string format = a.output("table");
  Workspace ws = find_workspace(a.get("root"));
  DomainChoice choice = choose_domain(ws, a.get("domain"), a.positionals(), false);
  LoadedDomain d = load_domain(ws, choice.domain);
  if (d.spec.kind != SpecKind::Lo)
    throw Error("domain '" + choice.domain + "' is of kind " + d.spec.kindText + "; only Lo clusters run lo's registries");
  EffectiveSpec eff = effective_spec(d.spec);
  for (const auto& w : eff.spec.warnings) log::problem("lo-registry", w);
  Json list = Json::array();
  for (const auto& r : eff.registries)
    list.push_back(Json{{"name", r.name},
                        {"role", to_string(r.role)},
                        {"ip", r.ip.str()},
                        {"hostname", r.hostname},
                        {"upstream", r.upstream},
                        {"container", r.container},
                        {"network", r.network},
                        {"port", r.port}});
  if (format == "json") {
    std::cout << list.dump(2) << "\n";
  } else if (format == "yaml") {
    std::cout << json_to_yaml(list);
  } else {
    std::vector<std::vector<std::string>> rows = {{"NAME", "ROLE", "IP", "PORT", "HOSTNAME", "CONTAINER", "NETWORK", "UPSTREAM"}};
    for (const auto& r : eff.registries)
      rows.push_back({r.name, to_string(r.role), r.ip.str(), std::to_string(r.port), r.hostname, r.container, r.network,
                      r.upstream.empty() ? "-" : r.upstream});
    std::cout << format_table(rows);
  }
  return kExitOk;
}

}  // namespace

const cli::Command plan_command{
    .name = "plan",
    .summary = "Print the registry plan of the effective spec (nothing is started)",
    .usage = "[DOMAIN] [-o table|json|yaml]",
    .about = "Print the registry plan of a Lo domain: one entry per registry container.",
    .flags =
        [](cli::Options& o) {
          cli::domain_flag(o);
          cli::output_flag(o, {"table", "json", "yaml"}, "table (default), json or yaml");
        },
    .run = plan,
    .words = cli::Words::Domain,
};

}  // namespace lo::registry
