// What a kustomize build of one target reads: every local file the
// kustomization tree reaches. The build cache hashes these files; when the
// tree reaches something lo cannot see into (a remote base, a chart to pull,
// an exec or KRM-function plugin, a kustomization it cannot parse), the
// target is "volatile" and is rebuilt every time.
//
// The fields are read by lo::read_kustomization's reader (lo/kustomization.hpp,
// which lists them); this walker follows what it returns, by kind:
//   resources, bases, components  a file is an input; a folder is walked;
//                              a name that is not there and reads like a URL,
//                              git or host path is a remote base: volatile
//   files (crds, patches, generator files, values, ...): an input; a folder
//                              means every file directly in it; remote: volatile
//   patchesStrategicMerge      a file when one exists by that name (else inline)
//   helm charts                every file of the chart's folder (<helmGlobals.
//                              chartHome|charts>/<name>); a chart not there
//                              yet is pulled by kustomize: volatile
//   generators, transformers, validators: plugin config files are read for
//                              the files of builtin plugins (relative to the
//                              kustomization that lists them); a folder is
//                              walked and the files its kustomization lists
//                              are plugin configs; any plugin other than a
//                              builtin runs code lo cannot see into: volatile
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
