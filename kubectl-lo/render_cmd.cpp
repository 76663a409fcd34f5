// kubectl lo capi render [DOMAIN] and kubectl lo kubeone render [DOMAIN]:
// what a production driver would send, printed, nothing sent.
#include <functional>
#include <iostream>

#include "commands.hpp"
#include "drivers/capi_render.hpp"
#include "drivers/kubeone.hpp"
#include "lo/error.hpp"
#include "lo/log.hpp"
#include "lo/spec.hpp"
#include "lo/workspace.hpp"
#include "lo/yaml_json.hpp"

namespace lo::cmd {
namespace {

using Render = std::function<std::string(const Workspace&, const LoadedDomain&)>;

// The words are "render [DOMAIN]"; render is the only verb.
int render_command(const cli::Args& a, SpecKind kind, const std::string& word, const Render& render) {
  const auto& words = a.positionals();
  if (words.empty() || words.front() != "render")
    throw UsageError(words.empty() ? "kubectl lo " + word + " needs a verb: render"
                                   : "unknown " + word + " verb \"" + words.front() + "\"",
                     "usage: kubectl lo " + word + " render [DOMAIN]; see 'kubectl lo " + word + " --help'");
  auto ws = find_workspace(a.get("root"));
  auto choice = choose_domain(ws, a.get("domain"), std::vector<std::string>(words.begin() + 1, words.end()), false);
  auto d = load_domain(ws, choice.domain);
  if (d.spec.kind != kind)
    throw UsageError("domain " + d.ref.name + " is of kind " + d.spec.kindText + ", not " + to_string(kind));
  for (const auto& w : d.spec.warnings) log::problem("kubectl lo", w);
  std::cout << render(ws, d);
  return kExitOk;
}

int capi(const cli::Args& a) {
  return render_command(a, SpecKind::Capi, "capi",
                        [](const Workspace& ws, const LoadedDomain& d) { return capi::to_yaml(capi::render(ws, d).objects); });
}

int kubeone(const cli::Args& a) {
  return render_command(a, SpecKind::KubeOne, "kubeone", [](const Workspace& ws, const LoadedDomain& d) {
    return json_to_yaml(driver::kubeone_manifest(ws, d));
  });
}

const cli::Verb kCapiVerbs[] = {{"render", "print the Cluster API resources of the domain"}};
const cli::Verb kKubeOneVerbs[] = {{"render", "print the domain's kubeone.yaml"}};

}  // namespace

const cli::Command capi_command{
    .name = "capi",
    .summary = "Print the Cluster API resources of a Capi domain (render)",
    .usage = "render [DOMAIN]",
    .about = "Print the Cluster API resources of a Capi domain, rendered from lo's templates\n"
             "and the provider's folder (share/lo/drivers/capi/, .lok8s/drivers/capi/providers/).\n"
             "Nothing is sent to a cluster.",
    .flags = cli::domain_flag,
    .run = capi,
    .words = cli::Words::VerbThenDomain,
    .examples = "  kubectl lo capi render prod.example.com",
    .verbs = kCapiVerbs,
};

const cli::Command kubeone_command{
    .name = "kubeone",
    .summary = "Print the kubeone.yaml of a KubeOne domain (render)",
    .usage = "render [DOMAIN]",
    .about = "Print the kubeone.yaml (KubeOneCluster v1beta2) of a KubeOne domain, from its spec and\n"
             "the provider's inventory (clusters/<domain>/.provider/inventory.json, or Terraform's\n"
             "clusters/<domain>/.kubeone/output.json) and the templates of share/lo/drivers/kubeone/.\n"
             "Nothing is sent to a cluster.",
    .flags = cli::domain_flag,
    .run = kubeone,
    .words = cli::Words::VerbThenDomain,
    .examples = "  kubectl lo kubeone render k1.example.com > kubeone.yaml",
    .verbs = kKubeOneVerbs,
};

}  // namespace lo::cmd
