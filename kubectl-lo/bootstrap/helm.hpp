// Running `helm template` for a chart addon (chart.cpp).
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "bootstrap.hpp"
#include "lo/error.hpp"
#include "lo/exec.hpp"

namespace lo::bootstrap {

std::optional<std::filesystem::path> find_helm();

// "stage X is a Helm chart ... needs helm, which is not on PATH" with how to
// install it.
Error helm_missing(const std::string& stage);

// helm template <release> <chart> --namespace ... --values <values_file>
// --skip-tests [--include-crds] [--version] [--repo] [--kube-version]
// [--api-versions]. A local chart is resolved against `addon_dir`.
// `kube_version` (the spec's) wins over the chart.yaml's kubeVersion.
std::vector<std::string> helm_template_argv(const std::filesystem::path& helm, const Chart& chart,
                                            const std::filesystem::path& addon_dir,
                                            const std::filesystem::path& values_file, const std::string& kube_version);

// What went wrong with a helm run, in the user's terms: a repository it
// could not reach (named, with what to do), a timeout, or helm's own words.
Error helm_failed(const std::string& stage, const Chart& chart, const ExecResult& result,
                  std::chrono::milliseconds timeout);

}  // namespace lo::bootstrap
