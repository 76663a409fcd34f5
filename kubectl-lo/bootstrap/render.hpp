// Rendering one stage to objects (render.cpp):
//   chart addon   helm template with the merged values, then, when the addon
//                 has a kustomization, that kustomization over the chart's
//                 output (labels, namespace, extra resources such as
//                 metallb's pool): the addon folder is copied to a private
//                 temp folder and the rendered chart is added to its
//                 resources (a chart.yaml listed under generators, khelm's
//                 way, is dropped), so a chart addon's kustomization must
//                 refer only to files inside its folder
//   other addon   kustomize build of the folder
// Then the LOK8S_SPEC_*/LOK8S_USER_* substitution of kubectl lo build
// (entry env: variables win over the environment), and container env values
// and ConfigMap data turned back into strings where the substitution made
// them numbers or booleans (the text is then written again from the
// objects, so what --dry-run prints and the cache holds is what is applied).
//
// The output is cached like a build target: artifacts/.bootstrap/<entry>/
// holds <entry>.yaml (and a kustomization.yaml listing it), the stamp is
// artifacts/.bootstrap/.cache/<entry>.json. A stage is rendered again when
// lo, kustomize or helm, any file of the addon, the merged values, the
// kind/provider/Kubernetes version or a substituted variable changed;
// addons whose kustomization reaches remote bases or plugins every time.
// Secrets from secrets.lok8s.yaml are never part of it.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bootstrap.hpp"
#include "kubectl-lo-build/api_vars.hpp"
#include "kubectl-lo-deploy/deploy.hpp"

namespace lo::bootstrap {

struct Rendered {
  std::string text;                       // the substituted YAML
  std::vector<deploy::Manifest> objects;  // its documents
  bool cached = false;
  std::string why;                        // why it was rendered (when not cached)
  std::filesystem::path file;             // where the text is kept
  // Keeps the text in `file` with its stamp: the render step of a run
  // (empty when cached). render() itself writes nothing, so a dry run
  // leaves the cache as the run will find it.
  std::function<void()> save;
};

class Renderer {
 public:
  // `vars`: the spec's and the environment's variables plus the API ones
  // from the stage's kubeconfig (read only when a stage mentions them).
  Renderer(const Plan& plan, const build::BuildVariables& vars, const Options& options);
  ~Renderer();
  Rendered render(const Stage& stage) const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// Container env values (env[].value) and ConfigMap data values that are not
// strings become strings: kustomize drops the quotes of "${LOK8S_USER_API_PORT}",
// and after substitution YAML reads 6443 as a number.
// Returns whether it changed anything.
bool stringify_string_fields(Json& object);

}  // namespace lo::bootstrap
