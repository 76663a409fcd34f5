// What a kustomize build of one target reads: every local file the
// kustomization tree reaches. The build cache hashes these files; when the
// tree reaches something lo cannot see into (a remote base, a chart to pull,
// an exec or KRM-function plugin, a kustomization it cannot parse), the
// target is "volatile" and is rebuilt every time.
//
// Followed, relative to the kustomization that names them (kustomize's
// types.Kustomization, v5):
//   resources, bases           files, or folders with a kustomization (walked)
//   components                 folders with a Component (walked)
//   crds, configurations       files
//   openapi.path               file
//   patches[].path, patchesJson6902[].path, replacements[].path
//   patchesStrategicMerge[]    a file when one exists by that name (else inline)
//   configMapGenerator[], secretGenerator[]: files ([key=]path; a folder
//                              means every file directly in it), envs, env
//   helmCharts[]               valuesFile, additionalValuesFiles and every
//                              file of the chart at <helmGlobals.chartHome|
//                              charts>/<name>; a chart not there yet is
//                              pulled by kustomize: volatile
//   helmChartInflationGenerator[] (the deprecated form of the same)
//   generators, transformers, validators: inline YAML strings, files or
//                              folders of plugin configs; builtin plugins
//                              (apiVersion: builtin) are followed through
//                              their own file fields (path, paths, files,
//                              envs, env, valuesFile, replacements[].path);
//                              any other plugin runs code lo cannot see
//                              into: volatile
// (lo::read_kustomization in lo/kustomization.hpp lists the same fields for
// lint; this walker also needs the plugin configs, chart folders and
// generator folders, and must never throw.)
// Each folder's kustomization file is itself an input, and a missing file is
// an input too (its appearance triggers a rebuild).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace lo::build {

struct Inputs {
  std::vector<std::filesystem::path> files;  // absolute, normalised, sorted, unique
  bool volatile_build = false;
  std::vector<std::string> reasons;  // why the target is volatile, for -v
};

// Walks the kustomization in `dir`. Never throws for a broken tree: what
// cannot be followed makes the result volatile (kustomize reports the error).
Inputs collect_inputs(const std::filesystem::path& dir);

}  // namespace lo::build
