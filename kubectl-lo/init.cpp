// kubectl lo init [--force]: a new project: clusters/lok8s.dev/ with the
// minimal spec, and a .gitignore for the folders lo writes at run time.
// kubectl lo init service NAME [--force]: a new service: NAME/lok8s.yaml
// (the smallest config the Tilt extension accepts, every optional key
// there but commented out), NAME registered in services.yaml, and the
// project's Tiltfile made to load lo's extension.
// Nothing that exists is overwritten without --force; what is already
// right is left alone and said so. Files are written atomically.
#include <algorithm>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>

#include "commands.hpp"
#include "lo/fs.hpp"
#include "lo/yaml_load.hpp"
#include "services.hpp"

namespace lo::cmd {
namespace fs = std::filesystem;

namespace {

constexpr const char* kSpec =
    "# The lok8s.dev domain: a local kind cluster on Docker, with TLS registries\n"
    "# and *.lok8s.dev certificates. Everything else is derived: `kubectl lo spec\n"
    "# lok8s.dev` prints every field with its default.\n"
    "apiVersion: cluster.lok8s.dev/v1beta1\n"
    "kind: Lo\n"
    "metadata:\n"
    "  name: local\n"
    "spec:\n"
    "  cluster:\n"
    "    domain: lok8s.dev\n";

// What lo writes into a project while it runs (never to be committed).
const char* const kIgnored[] = {
    ".kubeconfig/",           ".secrets/",          "clusters/.active",      "clusters/*/artifacts/",
    "clusters/*/.containerd/", "clusters/*/.registry/", "clusters/*/.registries.json", "clusters/*/.tls/",
    "clusters/*/.oidc/",      "clusters/*/.tilt/",
};

constexpr const char* kTiltfileBlock =
    "# lo's Tilt extension, from wherever kubectl-lo is installed (its\n"
    "# `version -o json` names the folder), then the project's resources.\n"
    "v1alpha1.extension_repo(name='lo', url='file://' + os.path.dirname(os.path.dirname(\n"
    "    decode_json(local(['kubectl-lo', 'version', '-o', 'json'], quiet=True))['data']['tiltExtension'])))\n"
    "v1alpha1.extension(name='lo', repo_name='lo', repo_path='lo')\n"
    "load('ext://lo', 'lok8s')\n"
    "lok8s()\n";

// The service's lok8s.yaml; NAME is the service. Every line after the
// header that starts (after its indentation) with "# " is a key, commented
// out: removing that mark gives a config the services check accepts.
constexpr const char* kServiceConfig =
    "# NAME: how lo's Tilt extension builds and runs this service (tilt/lo/README.md,\n"
    "# \"lok8s.yaml\"). Only build.context is needed; every other key is below, commented\n"
    "# out, with an example value. For several images, replace build with components:\n"
    "# a list of {name, build, ports, links, workloads}.\n"
    "build:\n"
    "  context: .\n"
    "  # dockerfile: Dockerfile\n"
    "  # target: dev\n"
    "  # build_args: [HTTP_PROXY]\n"
    "  # ignore: [node_modules]\n"
    "  # only: [src, Dockerfile]\n"
    "  # entrypoint: [/app/NAME, --dev]\n"
    "  # container_args: [--verbose]\n"
    "  # platform: linux/amd64\n"
    "  # network: host\n"
    "  # ssh: default\n"
    "  # secret: id=token,src=.token\n"
    "  # extra_tag: NAME:dev\n"
    "  # cache_from: [NAME:cache]\n"
    "  # pull: true\n"
    "  # match_in_env_vars: false\n"
    "  # extra_hosts: ['db.local:10.0.0.2']\n"
    "  # live_update:\n"
    "  #   fall_back_on: {files: [Dockerfile]}\n"
    "  #   sync: [{local_path: src, remote_path: /app/src}]\n"
    "  #   run: [{cmd: make, trigger: [src], echo_off: false}]\n"
    "# ports:\n"
    "#   - {from: 8080, to: 8080, name: web, host: localhost, link_path: /}\n"
    "# links:\n"
    "#   - {url: 'https://NAME.lok8s.dev', name: NAME}\n"
    "# workloads: [NAME]\n"
    "# tilt:\n"
    "#   resource_deps: [database]\n"
    "#   labels: [NAME]\n"
    "#   extra_resources:\n"
    "#     - {name: NAME-config, objects: ['NAME:configmap'], resource_deps: [NAME], labels: [NAME]}\n"
    "#   hooks:\n"
    "#     - name: NAME-seed\n"
    "#       cmd: ./seed.sh\n"
    "#       deps: [seed.sh]\n"
    "#       resource_deps: [NAME]\n"
    "#       trigger_mode: manual\n"
    "#       auto_init: false\n"
    "#       ignore: [tmp]\n"
    "#       env: {LOG_LEVEL: debug}\n"
    "#       links: ['http://localhost:8080/']\n"
    "#       labels: [NAME]\n"
    "#       allow_parallel: true\n"
    "#       dir: .\n"
    "#       serve_cmd: ./serve.sh\n"
    "#       serve_env: {PORT: '9000'}\n"
    "#       serve_dir: .\n"
    "#     - {name: NAME-restart, do: restart, targets: {lok8s.dev/name: NAME}}\n";

std::string with_name(std::string text, const std::string& name) {
  for (size_t at = 0; (at = text.find("NAME", at)) != std::string::npos; at += name.size()) text.replace(at, 4, name);
  return text;
}

bool is_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

std::string read_or_empty(const fs::path& p) { return is_file(p) ? read_file(p, 4 << 20) : std::string(); }

// Writes `content` to `file` unless it exists (then --force is needed);
// "created", "overwritten" or "unchanged".
std::string write_new(const fs::path& file, const std::string& content, bool force, const std::string& shown) {
  if (is_file(file)) {
    if (read_or_empty(file) == content) return "unchanged";
    if (!force) throw Error(Location{shown}, "exists already", "leave it, or pass --force to overwrite it");
    write_file_atomic(file, content);
    return "overwritten";
  }
  write_file_atomic(file, content);
  return "created";
}

// services.yaml with `name` added under services:, keeping every other
// line (comments too) as it is; nullopt when it is registered already.
std::optional<std::string> register_service(const std::string& text, const std::string& name, const std::string& shown) {
  if (text.empty())
    return "apiVersion: " + std::string(services::kApiVersion) + "\nkind: Services\nservices:\n  " + name + ": {}\n";
  YAML::Node doc;
  try {
    auto docs = load_all(text);
    if (docs.size() != 1 || !docs[0].IsMap())
      throw Error(Location{shown}, "is not one YAML mapping", "fix it with 'kubectl lo services', then run this again");
    doc = docs[0];
  } catch (const YAML::Exception& e) {
    throw Error(Location{shown, "", static_cast<int>(e.mark.line) + 1}, e.msg, "fix it, then run this again");
  }
  const YAML::Node root = doc;
  const YAML::Node services = root["services"];
  if (services.IsMap() && services[name].IsDefined()) return std::nullopt;
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  std::string entry = name + ": {}";
  if (!services.IsDefined()) {
    lines.push_back("services:");
    lines.push_back("  " + entry);
  } else if (services.IsMap() && services.size() > 0 && services.Style() == YAML::EmitterStyle::Block) {
    // Right below `services:` (above any comment of the first entry), at
    // the indentation of the entries.
    int key_line = -1;
    for (const auto& kv : root)
      if (kv.first.IsScalar() && kv.first.Scalar() == "services") key_line = kv.first.Mark().line;
    int column = services.begin()->first.Mark().column;
    if (key_line < 0 || static_cast<size_t>(key_line) >= lines.size())
      throw Error(Location{shown, "services"}, "cannot find the services: line to add " + name + " to", "add '" + entry + "' under services: yourself");
    lines.insert(lines.begin() + key_line + 1, std::string(static_cast<size_t>(column), ' ') + entry);
  } else if (services.IsNull() || (services.IsMap() && services.size() == 0)) {
    // `services:` or `services: {}` on one line: that line becomes the block.
    static const std::regex key(R"(^services:\s*(\{\s*\})?\s*(#.*)?$)");
    auto it = std::find_if(lines.begin(), lines.end(), [](const std::string& l) { return std::regex_match(l, key); });
    if (it == lines.end()) throw Error(Location{shown, "services"}, "cannot find the services: line to add " + name + " to", "add '" + entry + "' under services: yourself");
    *it = "services:";
    lines.insert(it + 1, "  " + entry);
  } else {
    throw Error(Location{shown, "services"}, "is written as a flow mapping ({...}); lo adds entries to block mappings only",
                "add '" + entry + "' to services yourself, or write services as a block");
  }
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  // Never write a file that lost its meaning: the old services plus this one.
  bool kept = false;
  try {
    const YAML::Node check = load_all(out).at(0);
    kept = check["services"].IsMap() && check["services"][name].IsMap() &&
           check["services"].size() == (services.IsMap() ? services.size() : 0) + 1;
  } catch (const YAML::Exception&) {
  }
  if (!kept)
    throw Error(Location{shown, "services"}, "lo could not add " + name + " without changing the rest", "add '" + entry + "' under services: yourself");
  return out;
}

int init_project(const cli::Args& a) {
  if (a.positionals().size() > 1 || (a.positionals().size() == 1 && a.positionals()[0] != "service"))
    throw UsageError("unknown init kind '" + a.positionals()[0] + "'", "kubectl lo init, or kubectl lo init service NAME");
  fs::path root = a.get("root") ? fs::absolute(*a.get("root")) : fs::current_path();
  bool force = a.has("force");
  fs::path spec = root / "clusters" / kDefaultDomain / kClusterSpecFile;
  std::string shown = display_path(spec, root);
  std::cout << shown << ": " << write_new(spec, kSpec, force, shown) << "\n";
  fs::path gi = root / ".gitignore";
  std::string have = read_or_empty(gi);
  std::istringstream in(have);
  std::set<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.insert(l);
  std::string add;
  for (const char* p : kIgnored)
    if (!lines.count(p)) add += std::string(p) + "\n";
  if (add.empty()) {
    std::cout << ".gitignore: unchanged (ignores lo's runtime folders)\n";
  } else {
    std::string text = have;
    if (!text.empty() && text.back() != '\n') text += "\n";
    if (!text.empty()) text += "\n";
    text += "# written by lo at run time (kubectl lo init)\n" + add;
    write_file_atomic(gi, text);
    std::cout << ".gitignore: " << (have.empty() ? "created" : "added lo's runtime folders") << "\n";
  }
  std::cout << "Next: 'kubectl lo doctor' checks this machine, 'kubectl lo up' starts the cluster.\n";
  return kExitOk;
}

int init_service(const cli::Args& a) {
  if (a.positionals().size() != 2)
    throw UsageError(a.positionals().size() < 2 ? "init service needs a NAME" : "too many arguments: " + a.positionals()[2],
                     "kubectl lo init service NAME");
  const std::string& name = a.positionals()[1];
  if (!services::valid_unit_name(name) || name == "clusters")
    throw UsageError("'" + name + "' is not a service name",
                     "lower-case letters, digits, '.', '_' and '-', at most 63, starting and ending with a letter or "
                     "digit (it is a folder, a services.yaml key, an image name and a label value), and not 'clusters'");
  std::optional<Workspace> found;
  try {
    found = find_workspace(a.get("root"));
  } catch (const Error& e) {
    throw Error(std::string(e.what()), "run 'kubectl lo init' first: a service belongs to a project");
  }
  const Workspace& ws = *found;
  bool force = a.has("force");
  fs::path config = ws.root / name / services::kDefaultServiceFile;
  std::string shown = ws.show(config);
  std::string outcome = write_new(config, with_name(kServiceConfig, name), force, shown);
  std::cout << shown << ": " << outcome << "\n";

  fs::path sy = ws.root / "services.yaml";
  auto registered = register_service(read_or_empty(sy), name, ws.show(sy));
  if (registered) write_file_atomic(sy, *registered);
  std::cout << "services.yaml: " << (registered ? "registered " + name : name + " already registered") << "\n";

  fs::path tf = ws.root / "Tiltfile";
  std::string tilt = read_or_empty(tf);
  if (tilt.find("lok8s(") != std::string::npos) {
    std::cout << "Tiltfile: unchanged (calls lok8s())\n";
  } else {
    std::string text = tilt;
    if (!text.empty() && text.back() != '\n') text += "\n";
    if (!text.empty()) text += "\n";
    write_file_atomic(tf, text + kTiltfileBlock);
    std::cout << "Tiltfile: " << (tilt.empty() ? "created" : "added") << " the loading of lo's extension and lok8s()\n";
  }
  std::cout << "Next: a Dockerfile in " << name << "/, objects labelled lok8s.dev/name=" << name
            << " in a target, then 'kubectl lo up'.\n";
  return kExitOk;
}

int init(const cli::Args& a) {
  if (!a.positionals().empty() && a.positionals()[0] == "service") return init_service(a);
  return init_project(a);
}

}  // namespace

const cli::Command init_command{
    .name = "init",
    .summary = "Start a project (clusters/lok8s.dev) or a service (init service NAME)",
    .usage = "[--force]\nservice NAME [--force]",
    .about = "Without a kind: create clusters/lok8s.dev/ with the minimal spec and a .gitignore for the\n"
             "folders lo writes at run time. `init service NAME`: create NAME/lok8s.yaml (the smallest\n"
             "config the Tilt extension accepts, every other key commented out), register NAME in\n"
             "services.yaml and make the project's Tiltfile load lo's extension and call lok8s().\n"
             "Nothing is overwritten without --force; what is already there is left alone.",
    .flags = [](cli::Options& o) { o.add_options()("force,f", cli::boolean(), "overwrite a spec or lok8s.yaml that exists"); },
    .run = init,
    .words = cli::Words::None,
    .examples = "  kubectl lo init                 # clusters/lok8s.dev and .gitignore here\n"
                "  kubectl lo init service web     # web/lok8s.yaml, services.yaml, Tiltfile",
};

}  // namespace lo::cmd
