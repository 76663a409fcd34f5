// kubectl lo deploy: the pieces of the command and how they meet.
//
//   main.cpp      flags -> DeployOptions
//   plan.cpp      domain, targets, artifacts, --filter -> Plan (no network)
//   cluster.cpp   which kubeconfig and context; the default namespace
//   engine.cpp    per target: CRDs -> Established -> Namespaces -> the rest
//                 -> webhooks -> wait for workloads
//   wait.cpp      waiting for health by WATCH
//   progress.cpp  what the user sees (TTY and plain)
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "lo/kube_client.hpp"
#include "lo/readiness.hpp"
#include "lo/spec.hpp"
#include "lo/workspace.hpp"

namespace lo::deploy {

struct LabelFilter {
  std::string key;    // without the lok8s.dev/ prefix
  std::string value;
};
// Throws UsageError (exit 2) when `text` is not KEY=VALUE with a valid label
// name and value.
LabelFilter parse_filter(const std::string& text);

// --image NAME=REF (images.cpp).
struct ImageOverride {
  std::string name;  // repository, no tag or digest
  std::string ref;   // the reference to run instead
};
// Throws UsageError (exit 2) when `text` is not NAME=REF.
ImageOverride parse_image(const std::string& text);
// Points every container of `object` whose image repository is an
// override's name at its ref; counts uses per override in `used`. Returns
// the number of containers changed.
size_t set_images(Json& object, const std::vector<ImageOverride>& images, std::vector<size_t>& used);

struct DeployOptions {
  std::optional<std::string> root;
  std::optional<std::string> domain;      // --domain
  std::vector<std::string> positionals;   // [DOMAIN] [TARGET...]
  std::vector<LabelFilter> filters;       // --filter KEY=VALUE (AND-ed)
  std::vector<ImageOverride> images;      // --image NAME=REF
  std::optional<std::string> kubeconfig;  // --kubeconfig
  std::optional<std::string> context;     // --context
  std::optional<std::string> namespace_;  // -n
  bool dry_run = false;                   // --dry-run=server
  bool force_conflicts = false;
  bool wait = true;                       // --wait=false skips the health wait
  std::string output;                     // "", "yaml", "json"
  std::chrono::milliseconds timeout{std::chrono::seconds(120)};
  size_t concurrency = 16;
  int verbosity = 0;
};

// --- plan ---------------------------------------------------------------------

struct Manifest {
  Json object;
  std::string source;  // "clusters/d/artifacts/t/artifacts.yaml, document 3"
};

struct TargetPlan {
  std::string name;
  std::vector<std::filesystem::path> files;
  std::vector<Manifest> objects;  // after --filter
  size_t unfiltered = 0;          // objects before --filter
};

struct Plan {
  Workspace ws;
  LoadedDomain domain;                       // the domain named (or active)
  std::optional<LoadedDomain> cluster;       // a Deploy domain's clusterRef target
  std::vector<LabelFilter> filters;
  std::vector<TargetPlan> targets;
};

Plan make_plan(const DeployOptions& options);

// --- cluster ------------------------------------------------------------------

struct ClusterChoice {
  KubeConfig config;
  std::string source;             // how the kubeconfig was chosen, for the user
  std::string default_namespace;  // for namespaced objects that name none
};

ClusterChoice choose_cluster(const Plan& plan, const DeployOptions& options);

// --- engine -------------------------------------------------------------------

int run_deploy(const DeployOptions& options);

}  // namespace lo::deploy
