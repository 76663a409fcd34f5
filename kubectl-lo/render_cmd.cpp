// kubectl lo capi render [DOMAIN] and kubectl lo kubeone render [DOMAIN]:
// what a production driver would send, printed, nothing sent.
#include <functional>
#include <iostream>

#include "commands.hpp"
#include "drivers/capi_render.hpp"
#include "drivers/kubeone.hpp"
#include "lo/cli.hpp"
#include "lo/log.hpp"
#include "lo/yaml_json.hpp"

namespace lo::cmd {
namespace {

int render_command(const Argv& args, SpecKind kind, const std::string& word, const std::string& about,
                   const std::function<std::string(const Workspace&, const LoadedDomain&)>& render) {
  auto flags = common_flags() + domain_flags();
  const std::string usage = "kubectl lo " + word + " render [DOMAIN]";
  bool help = !args.empty() && (args[0] == "-h" || args[0] == "--help");
  if (!help && (args.empty() || args[0] != "render"))
    throw UsageError(args.empty() ? "missing subcommand" : "unknown subcommand \"" + args[0] + "\"", "usage: " + usage);
  Args a(flags, help ? args : Argv(args.begin() + 1, args.end()));
  if (help || a.has("help")) {
    std::cout << about << "\n\nUsage:\n  " << usage << "\n\nFlags:\n" << format_flags(flags);
    return kExitOk;
  }
  log::set_verbosity(verbosity(a));
  auto ws = find_workspace(a.get("root"));
  auto choice = choose_domain(ws, a.get("domain"), a.positionals(), false);
  auto d = load_domain(ws, choice.domain);
  if (d.spec.kind != kind)
    throw UsageError("domain " + d.ref.name + " is of kind " + d.spec.kindText + ", not " + to_string(kind));
  for (const auto& w : d.spec.warnings) log::problem("kubectl lo", w);
  std::cout << render(ws, d);
  return kExitOk;
}

}  // namespace

int capi(const Argv& args) {
  return render_command(args, SpecKind::Capi, "capi",
                        "Print the Cluster API resources of a Capi domain, rendered from lo's templates\n"
                        "and the provider's folder (share/lo/drivers/capi/, .lok8s/drivers/capi/providers/).",
                        [](const Workspace& ws, const LoadedDomain& d) { return capi::to_yaml(capi::render(ws, d).objects); });
}

int kubeone(const Argv& args) {
  return render_command(args, SpecKind::KubeOne, "kubeone",
                        "Print the kubeone.yaml (KubeOneCluster v1beta2) of a KubeOne domain, from its spec and\n"
                        "the inventory in clusters/<domain>/.kubeone/ (inventory.json, or Terraform's output.json).",
                        [](const Workspace& ws, const LoadedDomain& d) { return json_to_yaml(driver::kubeone_manifest(ws, d)); });
}

}  // namespace lo::cmd
