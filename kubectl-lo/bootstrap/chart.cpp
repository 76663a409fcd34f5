// chart.yaml of an addon, and rendering it with `helm template`.
#include <algorithm>

#include "bootstrap.hpp"
#include "helm.hpp"
#include "lo/exec.hpp"
#include "lo/fs.hpp"
#include "lo/log.hpp"
#include "yaml_fields.hpp"

namespace lo::bootstrap {
namespace fs = std::filesystem;
namespace {

constexpr const char* kChartFile = "chart.yaml";

class ChartReader {
 public:
  explicit ChartReader(std::string file) : file_(std::move(file)) {}
  Location at(const YAML::Node& n, const std::string& field) const {
    return Location{file_, field, line_of(n)};
  }
  std::optional<std::string> str(const YAML::Node& n, const std::string& field) {
    if (!n.IsDefined() || n.IsNull()) return std::nullopt;
    if (!n.IsScalar() || n.Scalar().empty()) {
      diags.error(at(n, field), "must be a non-empty string");
      return std::nullopt;
    }
    return n.Scalar();
  }
  std::optional<bool> boolean(const YAML::Node& n, const std::string& field) {
    if (!n.IsDefined() || n.IsNull()) return std::nullopt;
    if (n.IsScalar() && (n.Scalar() == "true" || n.Scalar() == "false")) return n.Scalar() == "true";
    diags.error(at(n, field), "must be true or false");
    return std::nullopt;
  }
  Diagnostics diags;

 private:
  std::string file_;
};

}  // namespace

std::string Chart::describe() const {
  if (local()) return "local chart " + chart;
  return chart + (version ? " " + *version : std::string(" (no version)")) + " from " + *repository;
}

std::optional<Chart> read_chart(const fs::path& dir, const std::string& shown_dir) {
  std::error_code ec;
  fs::path file = dir / kChartFile;
  if (!fs::is_regular_file(file, ec)) return std::nullopt;
  Chart c;
  c.file = shown_dir + "/" + kChartFile;
  ChartReader r(c.file);
  YAML::Node root;
  try {
    root = YAML::Load(read_file(file, 1 << 20));
  } catch (const YAML::Exception& e) {
    throw Error(Location{c.file, "", e.mark.line + 1}, "is not valid YAML: " + e.msg);
  }
  if (!root.IsMap()) throw Error(Location{c.file}, "must be a mapping (repository, chart, version, ...)");
  static const std::vector<std::string> known = {"repository", "chart",       "version",     "release",
                                                 "namespace",  "kubeVersion", "apiVersions", "includeCRDs",
                                                 // khelm's ChartRenderer, as upstream's addons write it
                                                 "apiVersion", "kind", "metadata", "name", "excludeCRDs", "valueFiles"};
  for (const auto& kv : root) {
    std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "?";
    if (std::find(known.begin(), known.end(), key) == known.end())
      r.diags.error(r.at(kv.first, key), "unknown field", "chart.yaml knows: " + join({known.begin(), known.begin() + 8}));
  }
  c.repository = r.str(child(root, "repository"), "repository");
  if (c.repository && c.repository->rfind("https://", 0) != 0 && c.repository->rfind("http://", 0) != 0 &&
      c.repository->rfind("oci://", 0) != 0)
    r.diags.error(r.at(child(root, "repository"), "repository"), "'" + *c.repository + "' is not a chart repository URL",
                  "https://..., http://... or oci://...; leave it out for a local chart (chart: ./chart)");
  auto chart = r.str(child(root, "chart"), "chart");
  if (!chart) r.diags.error(r.at(root, "chart"), "is required", "the chart's name in the repository, or ./path to a local chart");
  c.chart = chart.value_or("");
  if (!c.repository && chart && chart->rfind("./", 0) != 0 && chart->rfind("../", 0) != 0)
    r.diags.error(r.at(child(root, "chart"), "chart"), "'" + *chart + "' needs a repository",
                  "set repository: (https://... or oci://...), or write a local chart as ./" + *chart);
  c.version = r.str(child(root, "version"), "version");
  if (c.repository && !c.version)
    r.diags.error(r.at(root, "version"), "is required with a repository", "pin the chart version, e.g. version: 1.2.3");
  YAML::Node meta = child(root, "metadata");
  auto release = r.str(child(root, "release"), "release");
  if (!release) release = r.str(child(root, "name"), "name");
  if (!release && meta.IsMap()) release = r.str(child(meta, "name"), "metadata.name");
  c.release = release.value_or(fs::path(c.chart).filename().string());
  auto ns = r.str(child(root, "namespace"), "namespace");
  if (!ns && meta.IsMap()) ns = r.str(child(meta, "namespace"), "metadata.namespace");
  if (ns) c.ns = *ns;
  c.kubeVersion = r.str(child(root, "kubeVersion"), "kubeVersion");
  if (auto av = child(root, "apiVersions"); av.IsDefined() && !av.IsNull()) {
    if (!av.IsSequence()) r.diags.error(r.at(av, "apiVersions"), "must be a list of group/version strings");
    else
      for (const auto& v : av)
        if (auto s = r.str(v, "apiVersions[]")) c.apiVersions.push_back(*s);
  }
  if (auto inc = r.boolean(child(root, "includeCRDs"), "includeCRDs")) c.includeCRDs = *inc;
  if (auto exc = r.boolean(child(root, "excludeCRDs"), "excludeCRDs")) c.includeCRDs = !*exc;
  if (auto vf = child(root, "valueFiles"); vf.IsDefined() && !vf.IsNull())
    r.diags.warning(r.at(vf, "valueFiles"), "ignored: lo layers values.yaml, values.<kind>.yaml, values.<provider>.yaml and inline values",
                    "rename the files to those names, or merge them into values.yaml");
  r.diags.throw_if_errors();
  for (const auto& w : r.diags.warnings()) log::problem("kubectl lo bootstrap", w);
  return c;
}

std::optional<fs::path> find_helm() { return find_program("helm"); }

Error helm_missing(const std::string& stage) {
  return Error("stage " + stage + " is a Helm chart (chart.yaml) and rendering it needs helm, which is not on PATH",
               "install helm v3 (https://helm.sh/docs/intro/install/, or with Go: "
               "go install helm.sh/helm/v3/cmd/helm@v3.22.0) and put it on PATH, or leave " + stage +
                   " out of spec.bootstrap");
}

std::vector<std::string> helm_template_argv(const fs::path& helm, const Chart& c, const fs::path& addon_dir,
                                            const fs::path& values_file, const std::string& kube_version) {
  std::vector<std::string> argv{helm.string(), "template", c.release};
  if (c.local()) {
    argv.push_back((addon_dir / c.chart).lexically_normal().string());
  } else if (c.repository->rfind("oci://", 0) == 0) {
    std::string repo = *c.repository;
    while (!repo.empty() && repo.back() == '/') repo.pop_back();
    argv.push_back(repo + "/" + c.chart);
  } else {
    argv.insert(argv.end(), {c.chart, "--repo", *c.repository});
  }
  if (c.version) argv.insert(argv.end(), {"--version", *c.version});
  argv.insert(argv.end(), {"--namespace", c.ns, "--values", values_file.string(), "--skip-tests"});
  if (c.includeCRDs) argv.push_back("--include-crds");
  std::string kv = !kube_version.empty() ? kube_version : c.kubeVersion.value_or("");
  if (!kv.empty()) argv.insert(argv.end(), {"--kube-version", kv});
  for (const auto& a : c.apiVersions) argv.insert(argv.end(), {"--api-versions", a});
  return argv;
}

Error helm_failed(const std::string& stage, const Chart& c, const ExecResult& r, std::chrono::milliseconds timeout) {
  std::string err = r.err;
  while (!err.empty() && (err.back() == '\n' || err.back() == ' ')) err.pop_back();
  if (err.size() > 4096) err = err.substr(0, 4096) + "\n[...]";
  if (r.timed_out)
    return Error("stage " + stage + ": helm template of " + c.describe() + " did not finish within " +
                     std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) + "s",
                 "a chart repository that does not answer? check the network and try again");
  static const char* unreachable[] = {"cannot be reached", "dial tcp", "no such host", "proxyconnect",
                                      "connection refused", "i/o timeout", "TLS handshake", "Client.Timeout",
                                      "network is unreachable", "failed to do request", "connection reset"};
  bool network = std::any_of(std::begin(unreachable), std::end(unreachable),
                             [&](const char* p) { return err.find(p) != std::string::npos; });
  if (network && c.repository)
    return Error("stage " + stage + ": helm could not reach the chart repository " + *c.repository + " for chart " +
                     c.chart + " " + c.version.value_or("") + ":\n  " + err,
                 "this machine cannot download the chart. Set spec.bootstrap explicitly without " + stage +
                     " (bootstrap: [] for none), or put the chart beside the addon (chart: ./chart in a copy under "
                     ".lok8s/addons/" + stage + "/), or run 'kubectl lo bootstrap' later from where " + *c.repository +
                     " is reachable ('kubectl lo provision --skip-bootstrap' provisions without it)");
  return Error("stage " + stage + ": helm template of " + c.describe() + " failed:\n  " +
                   (err.empty() ? "helm exited with code " + std::to_string(r.exit_code) : err),
               "check the addon's values (kubectl lo bootstrap --values " + stage + ") and chart.yaml");
}

}  // namespace lo::bootstrap
