// What one kustomization file refers to: the local files and folders it
// reaches (with the field that names each, for messages, and how kustomize
// reads it), the remote ones (URLs, git refs), the Helm charts it inflates
// and the plugins lo cannot see into. The one reader of kustomizations:
// `kubectl lo lint` checks that the local references exist, `kubectl lo
// deploy` reads the resources of a split artifacts folder, and `kubectl lo
// build` walks everything (kubectl-lo-build/inputs.hpp) to decide whether a
// target changed.
//
// Fields read (kustomize's types.Kustomization, v5), relative to the folder
// of the kustomization:
//   resources, bases, components      files, or folders with a kustomization
//   crds, configurations, openapi.path, patches[].path,
//   patchesJson6902[].path, replacements[].path          files
//   patchesStrategicMerge[]           a file, unless written inline
//   configMapGenerator[], secretGenerator[]: files ([key=]path), envs, env
//   helmCharts[]                      valuesFile, additionalValuesFiles, and
//                                     the chart (helmGlobals.chartHome)
//   helmChartInflationGenerator[]     values, and the chart (chartHome)
//   generators, transformers, validators: files or folders of plugin
//                                     configs, or inline YAML
// Plugin configs (inline ones here, files through read_plugin_configs):
// builtin plugins (apiVersion: builtin) through their own file fields (path,
// paths, files, envs, env, valuesFile, additionalValuesFiles, chartHome,
// replacements[].path), relative to the kustomization that lists them.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "lo/error.hpp"

namespace lo {

// How kustomize reads what a field names.
enum class RefKind {
  Resource,      // resources, bases: a file of objects, or a folder holding a kustomization
  Component,     // components: a folder holding a Component
  File,          // a file; a folder there stands for every file directly in it
  Patch,         // patchesStrategicMerge, PatchStrategicMergeTransformer paths: a file when one exists by that name
  PluginConfig,  // generators/transformers/validators: a file of plugin configs, or a folder whose kustomization lists them
  ChartHome,     // helmGlobals.chartHome: the folder charts are inflated from (see HelmChart)
};

struct KustomizationRef {
  std::string field;           // e.g. "resources[2]", "configMapGenerator[0].files[1]"
  std::string value;           // as written
  std::filesystem::path path;  // resolved against the folder it is relative to, normalised
  RefKind kind = RefKind::File;
  int line = 0;                // in the kustomization (for an inline plugin: the line of its entry)

  // A folder named here must hold a kustomization (resources, bases, components).
  bool kustomization_dir() const { return kind == RefKind::Resource || kind == RefKind::Component; }
};

// A Helm chart kustomize inflates: from `folder` when it is there, else
// pulled from `repo`.
struct HelmChart {
  std::string field;             // "helmCharts[0]", "helmChartInflationGenerator[1]", "transformers[0]"
  std::string repo;              // as written (may be empty)
  std::string name;              // as written
  std::filesystem::path home;    // the chart home: helmGlobals.chartHome, the entry's chartHome, or charts
  std::filesystem::path folder;  // home/<name>, normalised; empty without a name
  int line = 0;

  std::string id() const { return repo + "/" + name; }  // how messages name the chart
};

// What a piece of kustomize configuration (a kustomization, or a file of
// plugin configs) refers to.
struct KustomizeRefs {
  std::vector<KustomizationRef> local;    // local files and folders, in the order of the fields above
  std::vector<KustomizationRef> fetched;  // references kustomize fetches from elsewhere (URLs, git)
  std::vector<std::string> remote;        // the paths of `fetched` and every chart as "helm:<repo>/<name>", as read
  std::vector<HelmChart> charts;
  // Why part of it cannot be followed: plugins that run code (exec or KRM
  // functions), unknown builtin plugins, inline plugin configs that are not
  // YAML. E.g. "plugin example.com/v1/MyPlugin runs outside kustomize".
  std::vector<std::string> opaque;
};

// Why a kustomization could not be read, for callers that must not throw.
enum class KustomizationFailure { None, Missing, Unreadable, NotAMapping };

struct Kustomization : KustomizeRefs {
  std::filesystem::path file;  // empty when there is none
  KustomizationFailure failure = KustomizationFailure::None;
  Problem problem;             // what read_kustomization throws, when failure is set
};

// kustomization.yaml, kustomization.yml or Kustomization in `dir`.
std::optional<std::filesystem::path> find_kustomization_file(const std::filesystem::path& dir);

// Reads the kustomization of `dir`. Throws lo::Error when there is none,
// it cannot be read, is not valid YAML or is not a mapping (naming
// `shown_dir` in messages).
Kustomization read_kustomization(const std::filesystem::path& dir, const std::string& shown_dir);

// The same, but never throws: a kustomization that is missing, cannot be
// read or parsed, or is not a mapping comes back with `failure` and
// `problem` set and no references.
Kustomization scan_kustomization(const std::filesystem::path& dir, const std::string& shown_dir);

// Reads a file of plugin configs (one or more YAML documents, as named by
// generators/transformers/validators): builtin plugins through their file
// fields, relative to `base` (the folder of the kustomization that lists the
// plugin); anything else, or a file that cannot be parsed, lands in
// `opaque`. Never throws.
KustomizeRefs read_plugin_configs(const std::filesystem::path& file, const std::filesystem::path& base);

// True for references kustomize fetches from elsewhere (URLs, git).
bool is_remote_reference(const std::string& value);

}  // namespace lo
