// kubectl lo deploy: the pieces of the command and how they meet.
//
//   main.cpp      flags -> DeployOptions
//   plan.cpp      domain, targets, artifacts, --filter -> Plan (no network)
//   cluster.cpp   which kubeconfig and context; the default namespace
//   items.cpp     a target's objects mapped to resources and namespaces
//   engine.cpp    per target: CRDs -> Established -> Namespaces -> the rest
//                 -> webhooks -> prune -> wait for workloads
//   applyset.cpp  the target's ApplySet: parent, labels, tooling (KEP-3659)
//   prune.cpp     members the target no longer contains; deletion in waves
//   delete.cpp    deploy --delete TARGET: a whole set and its parent
//   diff.cpp      kubectl lo diff: server-side dry run against the live objects
//   wait.cpp      waiting for health by WATCH
//   progress.cpp  what the user sees (TTY and plain)
//   stage.cpp     one stage of in-memory objects (kubectl lo bootstrap):
//                 the engine's phases plus retries of admission webhooks
//                 that are not ready yet
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
#include "progress.hpp"

namespace lo::deploy {

struct LabelFilter {
  std::string key;    // without the lok8s.dev/ prefix
  std::string value;
};
// Throws UsageError (exit 2) when `text` is not KEY=VALUE with a valid label
// name and value.
LabelFilter parse_filter(const std::string& text);
// True when the object carries every lok8s.dev/KEY=VALUE label of `filters`.
bool matches_filters(const Json& object, const std::vector<LabelFilter>& filters);

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
  // --prune: delete the members of a target's ApplySet it no longer
  // contains. Unset: off, with a notice naming what it would delete (pruning
  // becomes the default in a later release); false: off, silently.
  std::optional<bool> prune;
  bool delete_targets = false;            // --delete TARGET...: remove their sets
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
  std::vector<Manifest> objects;   // after --filter
  std::vector<Manifest> excluded;  // what --filter left out: still the target's, never pruned
  size_t unfiltered = 0;           // objects before --filter
};

struct Plan {
  Workspace ws;
  LoadedDomain domain;                       // the domain named (or active)
  std::optional<LoadedDomain> cluster;       // a Deploy domain's clusterRef target
  std::vector<LabelFilter> filters;
  std::vector<TargetPlan> targets;
};

// With options.delete_targets no artifacts are read and the targets need
// not exist on disk any more (only their names matter).
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
// deploy --delete TARGET...
int run_delete(const DeployOptions& options);
// kubectl lo diff: 0 nothing would change, 1 something would; errors
// are thrown (main turns them into exit 2).
int run_diff(const DeployOptions& options);

// What deploying one target's objects did (deploy_objects).
struct TargetOutcome {
  size_t objects = 0, created = 0, configured = 0, unchanged = 0, workloads = 0;
};

// The engine's phases for one target's objects, as run_deploy runs them for
// each target (engine.cpp). Throws lo::Error naming the objects that failed.
TargetOutcome deploy_objects(KubeClient& client, const DeployOptions& options, const ClusterChoice& cluster,
                             Progress& progress, const TargetPlan& target);

// --- one stage of in-memory objects (stage.cpp) --------------------------------

struct StageOptions {
  // How long the stage may take to become healthy: CRDs Established, then
  // workloads; also the bound for retrying webhooks that are not ready.
  std::chrono::milliseconds timeout{std::chrono::seconds(180)};
  bool wait = true;  // false: apply only, no readiness wait
  size_t concurrency = 16;
  std::chrono::milliseconds first_retry{std::chrono::milliseconds(500)};  // then doubling, up to 8s
};

// Applies `objects` as one stage called `name`: CRDs first and Established,
// server-side apply (field manager lo, taking over conflicting fields as an
// installer must), then the stage's Deployments, DaemonSets, StatefulSets
// and Jobs until healthy. An apply refused because an admission webhook
// cannot be called yet ("failed calling webhook", e.g. metallb's pool right
// after its controller starts) is retried with backoff until `timeout`.
// Throws lo::Error whose last problem says "stage <name>: ...".
TargetOutcome apply_stage(KubeClient& client, const ClusterChoice& cluster, const std::string& name,
                          const std::vector<Manifest>& objects, const StageOptions& options, Progress& progress);

}  // namespace lo::deploy
