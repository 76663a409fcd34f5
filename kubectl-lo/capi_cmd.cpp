// kubectl lo capi render [DOMAIN]: the Cluster API resources a Capi domain
// would apply to its management cluster, printed and nothing sent.
#include <iostream>

#include "commands.hpp"
#include "drivers/capi_render.hpp"
#include "lo/cli.hpp"
#include "lo/log.hpp"

namespace lo::cmd {

int capi(const Argv& args) {
  auto flags = common_flags() + domain_flags();
  const std::string usage = "kubectl lo capi render [DOMAIN]";
  if (args.empty() || args[0] != "render") {
    if (!args.empty() && (args[0] == "-h" || args[0] == "--help")) {
      std::cout << "Cluster API resources of a Capi domain.\n\nUsage:\n  " << usage << "\n\nFlags:\n" << format_flags(flags);
      return kExitOk;
    }
    throw UsageError(args.empty() ? "missing subcommand" : "unknown subcommand \"" + args[0] + "\"", "usage: " + usage);
  }
  Args a(flags, Argv(args.begin() + 1, args.end()));
  if (a.has("help")) {
    std::cout << "Print the Cluster API resources of a Capi domain, rendered from lo's templates\n"
                 "and the provider's folder (share/lo/drivers/capi/, .lok8s/drivers/capi/providers/).\n\nUsage:\n  "
              << usage << "\n\nFlags:\n" << format_flags(flags);
    return kExitOk;
  }
  log::set_verbosity(verbosity(a));
  auto ws = find_workspace(a.get("root"));
  auto choice = choose_domain(ws, a.get("domain"), a.positionals(), false);
  auto d = load_domain(ws, choice.domain);
  if (d.spec.kind != SpecKind::Capi)
    throw UsageError("domain " + d.ref.name + " is of kind " + d.spec.kindText + ", not Capi");
  for (const auto& w : d.spec.warnings) log::problem("kubectl lo", w);
  std::cout << capi::to_yaml(capi::render(ws, d).objects);
  return kExitOk;
}

}  // namespace lo::cmd
