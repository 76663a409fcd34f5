// kubectl lo spec [DOMAIN] [-o yaml|json]: the effective spec, in the same
// schema as the input, so it can be pasted back as a spec.
#include <iostream>

#include "commands.hpp"
#include "lo/defaults.hpp"
#include "lo/log.hpp"
#include "lo/yaml_json.hpp"

namespace lo::cmd {

namespace {

int spec(const cli::Args& a) {
  std::string format = a.output("yaml");
  Workspace ws = find_workspace(a.get("root"));
  DomainChoice choice = choose_domain(ws, a.get("domain"), a.positionals(), false);
  LoadedDomain d = load_domain(ws, choice.domain);
  EffectiveSpec eff = effective_spec(d.spec);
  for (const auto& w : eff.spec.warnings) log::problem("kubectl lo spec", w);
  Json out = spec_to_json(eff.spec);
  if (format == "json") std::cout << out.dump(2) << "\n";
  else std::cout << json_to_yaml(out);
  return kExitOk;
}

}  // namespace

const cli::Command spec_command{
    .name = "spec",
    .summary = "Print a domain's effective spec (defaults filled in)",
    .usage = "[DOMAIN] [-o yaml|json]",
    .about = "Print the effective spec of a domain: the spec as written with every default filled in,\n"
             "in the same schema, so it can be pasted back as the spec.",
    .flags =
        [](cli::Options& o) {
          cli::domain_flag(o);
          cli::output_flag(o, {"yaml", "json"}, "yaml (default) or json");
        },
    .run = spec,
    .words = cli::Words::Domain,
};

}  // namespace lo::cmd
