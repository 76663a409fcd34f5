// kubectl lo spec [DOMAIN] [-o yaml|json]: the effective spec, in the same
// schema as the input, so it can be pasted back as a spec.
#include <iostream>

#include "commands.hpp"
#include "lo/cli.hpp"
#include "lo/defaults.hpp"
#include "lo/log.hpp"
#include "lo/yaml_json.hpp"

namespace lo::cmd {

int spec(const Argv& args) {
  auto flags = common_flags() + domain_flags() +
               std::vector<Flag>{{"output", 'o', true, "FORMAT", "yaml (default) or json"}};
  Args a(flags, args);
  if (a.has("help")) {
    std::cout << "Print the effective spec of a domain: the spec as written with every default filled in,\n"
                 "in the same schema, so it can be pasted back as the spec.\n\n"
                 "Usage:\n  kubectl lo spec [DOMAIN] [-o yaml|json]\n\nFlags:\n"
              << format_flags(flags);
    return kExitOk;
  }
  log::set_verbosity(verbosity(a));
  std::string format = output_format(a, {"yaml", "json"}, "yaml");
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

}  // namespace lo::cmd
