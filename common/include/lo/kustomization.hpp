// What one kustomization file refers to: the local files and folders it
// reaches (with the field that names each, for messages), the remote ones
// (URLs, git refs, Helm charts) and whether it uses generator/transformer
// plugins. `kubectl lo lint` checks that the local ones exist;
// `kubectl lo build` walks them to decide whether a target changed.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace lo {

struct KustomizationRef {
  std::string field;               // e.g. "resources[2]", "configMapGenerator[0].files[1]"
  std::string value;               // as written
  std::filesystem::path path;      // resolved against the kustomization's folder
  bool kustomization_dir = false;  // a folder that must hold a kustomization (resources, components, bases)
  int line = 0;
};

struct Kustomization {
  std::filesystem::path file;
  std::vector<KustomizationRef> local;
  std::vector<std::string> remote;    // remote bases/resources and Helm charts
  std::vector<KustomizationRef> plugin_configs;  // generators/transformers/validators given as files
  bool inline_plugins = false;        // plugin configs written inline
};

// kustomization.yaml, kustomization.yml or Kustomization in `dir`.
std::optional<std::filesystem::path> find_kustomization_file(const std::filesystem::path& dir);

// Reads the kustomization of `dir`. Throws lo::Error when there is none or
// it is not valid YAML (naming `shown_dir` in messages).
Kustomization read_kustomization(const std::filesystem::path& dir, const std::string& shown_dir);

// True for references kustomize fetches from elsewhere (URLs, git).
bool is_remote_reference(const std::string& value);

}  // namespace lo
