// Bootstrap: a domain's spec.bootstrap applied stage by stage (plane A of
// the seeds: CNI, load balancer, cloud controller, cert-manager... after
// provisioning, before workloads).
//
//   plan.cpp      entries -> stages: where each lives (lo/addons.hpp), its
//                 chart, values files and secrets, dependsOn; every problem
//                 of every entry before anything is rendered or applied
//   values.cpp    values layering: values.yaml < values.<kind>.yaml <
//                 values.<provider>.yaml < inline, deep merged
//   chart.cpp     chart.yaml and `helm template`
//   secrets.cpp   secrets.lok8s.yaml: Secrets made at apply time from the
//                 environment, never written or printed
//   render.cpp    one stage -> objects: helm, the addon's kustomization,
//                 LOK8S_SPEC_*/LOK8S_USER_* substitution, cached like a
//                 build target under artifacts/.bootstrap/
//   schedule.cpp  stages in order, or by dependsOn with bounded parallelism
//   run.cpp       the command: plan, render all, then apply through the
//                 deploy engine (kubectl-lo-deploy/deploy.hpp apply_stage)
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "lo/addons.hpp"
#include "lo/defaults.hpp"
#include "lo/spec.hpp"
#include "lo/workspace.hpp"

namespace lo::bootstrap {

// --- chart.yaml (chart.cpp) ----------------------------------------------------

// The Helm chart of an addon. lo's fields, with the names of khelm's
// ChartRenderer (which upstream projects' addons use) accepted as well:
//   repository   https://... or oci://...; absent for a local chart
//   chart        the chart's name in the repository, or ./path to a local chart
//   version      the chart version (required with a repository)
//   release      release name (khelm: metadata.name or name); default: the chart's name
//   namespace    release namespace (khelm: metadata.namespace); default: default
//   kubeVersion  --kube-version when the spec names no Kubernetes version
//   apiVersions  --api-versions (capabilities the chart may test for)
//   includeCRDs  the chart's crds/ folder (default true; khelm: excludeCRDs)
struct Chart {
  std::string file;  // chart.yaml as shown to the user
  std::optional<std::string> repository;
  std::string chart;
  std::optional<std::string> version;
  std::string release;
  std::string ns = "default";
  std::optional<std::string> kubeVersion;
  std::vector<std::string> apiVersions;
  bool includeCRDs = true;

  bool local() const { return !repository; }
  // "cilium 1.19.2 from https://helm.cilium.io", "local chart ./chart"
  std::string describe() const;
};

// dir/chart.yaml, or nullopt when the addon has none. Throws lo::Error with
// the file, field and line for a malformed one.
std::optional<Chart> read_chart(const std::filesystem::path& dir, const std::string& shown_dir);

// --- secrets.lok8s.yaml (secrets.cpp) ------------------------------------------

struct SecretKey {
  std::string key;  // key in the Secret's data
  std::string env;  // variable it comes from
  bool optional = false;
};
struct SecretSpec {
  std::string name, ns;
  std::vector<SecretKey> keys;
};
// dir/secrets.lok8s.yaml, or none. Throws lo::Error for a malformed file.
std::vector<SecretSpec> read_secrets(const std::filesystem::path& dir, const std::string& shown_dir);
// The variables a stage's secrets need that are not set (for the plan's checks).
std::vector<std::string> missing_secret_variables(const std::vector<SecretSpec>& secrets);
// The Secret objects, values read from the environment now (base64 data,
// labelled lok8s.dev/name=<stage>). Throws when a required variable is unset.
std::vector<Json> secret_objects(const std::vector<SecretSpec>& secrets, const std::string& stage);
// Where a Secret's values come from, for --dry-run and the plan: never a value.
std::string describe_secret(const SecretSpec& secret);

// --- the plan (plan.cpp) ----------------------------------------------------------

struct Stage {
  size_t index = 0;       // position in spec.bootstrap
  BootstrapEntry entry;
  std::string id;         // entry.id()
  std::filesystem::path dir;
  AddonSource source = AddonSource::Path;
  std::optional<Chart> chart;
  bool has_kustomization = false;
  std::vector<std::filesystem::path> value_files;  // layers that exist, lowest first
  std::vector<SecretSpec> secrets;
  std::vector<size_t> parents;  // stages (indices into Plan::stages) that must be done first
  bool wait = true;
  std::string where() const;  // "spec.bootstrap[2]"
};

struct Plan {
  Workspace ws;
  LoadedDomain domain;
  EffectiveSpec eff;          // the defaulted spec (Lo), else the spec as written
  std::string kind;           // values.<kind>.yaml: lo, capi, kubeone, kkp, ...
  std::string provider;       // values.<provider>.yaml: spec.provider.name, or ""
  std::vector<Stage> stages;  // spec order
  bool by_depends_on = false; // some entry declares dependsOn: a graph, not a list
  bool default_list = false;  // the spec has no bootstrap: lo's default
  std::string kube_version;   // for helm --kube-version ("" when unknown)
};

// Reads and checks every entry of the domain's spec.bootstrap; `only`
// (entry names) keeps those stages, in spec order. Throws lo::Error with
// every problem found (field path and line of each entry) before anything
// is rendered or applied.
Plan make_plan(const Workspace& ws, const LoadedDomain& domain, const std::vector<std::string>& only = {});

// The plan as lines for --dry-run and provision's plan, one per stage:
// "1. cilium: lo addon, chart cilium 1.19.2 from https://helm.cilium.io; values.yaml < values.lo.yaml; wait".
std::vector<std::string> plan_lines(const Plan& plan);

// --- values (values.cpp) ------------------------------------------------------------

// `overlay` merged onto `base`, later wins: maps merge key by key, lists and
// scalars replace, an explicit null removes the key.
void merge_values(Json& base, const Json& overlay);
// A values file's top-level mapping: an empty or comment-only file is {}.
// Throws lo::Error (file, line) when it is not a mapping or not YAML.
Json read_values_file(const std::filesystem::path& path, const std::string& shown);
// The names of the layer files, lowest first.
std::vector<std::string> value_layer_names(const std::string& kind, const std::string& provider);
// The merged values of a stage: its files, then the entry's inline values.
Json merged_values(const Plan& plan, const Stage& stage);

// --- the command (run.cpp) -----------------------------------------------------------

struct Options {
  std::optional<std::string> root;
  std::optional<std::string> domain;      // --domain
  std::vector<std::string> positionals;   // [DOMAIN] [ENTRY...]
  std::optional<std::string> kubeconfig;  // --kubeconfig
  std::optional<std::string> context;     // --context
  std::optional<std::string> values_of;   // --values ENTRY: print its merged values
  bool dry_run = false;                   // print the plan (the run's steps) and the rendered stages
  bool plan_only = false;                 // a dry run that prints the steps, not the rendered stages
                                          // (provision/up --dry-run: the bootstrap part of their plan)
  bool force = false;                     // render again even when the cache is current
  std::chrono::milliseconds timeout{std::chrono::seconds(180)};       // per stage
  std::chrono::milliseconds render_timeout{std::chrono::minutes(10)};  // helm, kustomize
  unsigned parallel = 4;                  // stages at once when entries use dependsOn
  int verbosity = 0;
};

int run(const Options& options);

}  // namespace lo::bootstrap
