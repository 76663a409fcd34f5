// The allow-lists of a service's lok8s.yaml (upstream's _validate_service,
// _validate_build, _validate_routing): one image (`build`) or several
// (`components`), port forwards, links, Tilt labels and dependencies.
//
// Stricter than upstream where upstream failed later or not at all: `build`
// takes docker_build's own keyword arguments only (upstream passed anything
// through and Tilt failed on a typo), live_update steps take only the keys
// Tilt's step functions accept (upstream crashed on an unknown one), port
// numbers are ports, restart_container (which Tilt rejects for Kubernetes
// resources) is an error here rather than in Tilt, and `build` is required only when lo builds the
// service (a build: false or image-pinned service may have a lok8s.yaml for
// its ports and links alone).
#include <regex>

#include "services.hpp"

namespace lo::services {
namespace {

using C = YamlCheck;

const std::vector<std::string> kTopKeys = {"build", "components", "ports", "links", "workloads", "tilt"};
const std::vector<std::string> kComponentKeys = {"name", "build", "ports", "links", "workloads"};
const std::vector<std::string> kBuildKeys = {
    "context", "dockerfile", "dockerfile_contents", "build_args", "target",   "ignore",      "only",
    "entrypoint", "live_update", "match_in_env_vars", "container_args", "platform", "network", "ssh",
    "secret", "extra_tag", "cache_from", "pull", "extra_hosts"};
const std::vector<std::string> kLiveUpdateKeys = {"fall_back_on", "sync", "run", "restart_container"};
const std::vector<std::string> kPortKeys = {"from", "to", "name", "host", "link_path"};
const std::vector<std::string> kTiltKeys = {"resource_deps", "labels", "extra_resources", "hooks"};
const std::vector<std::string> kExtraResourceKeys = {"name", "objects", "resource_deps", "labels"};
const std::vector<std::string> kHookKeys = {"name",   "cmd",    "deps",  "resource_deps", "trigger_mode",
                                            "auto_init", "ignore", "env", "links",        "labels",
                                            "allow_parallel", "dir", "serve_cmd", "serve_env", "serve_dir",
                                            "do",     "targets"};

bool env_name(const std::string& s) {
  static const std::regex re("[A-Za-z_][A-Za-z0-9_]*");
  return std::regex_match(s, re);
}

// `n` is one step (a mapping) or a list of steps; `each` checks one.
template <typename F>
void steps(const YAML::Node& n, const std::string& path, C& c, F each) {
  if (n.IsSequence()) {
    for (size_t i = 0; i < n.size(); ++i)
      if (c.mapping(n[i], C::item(path, i))) each(n[i], C::item(path, i));
  } else if (n.IsMap()) {
    each(n, path);
  } else {
    c.error(n, path, "must be a mapping or a list of mappings, got " + C::describe(n));
  }
}

void check_live_update(const YAML::Node& n, const std::string& path, C& c) {
  if (!c.mapping(n, path)) return;
  c.only_keys(n, path, kLiveUpdateKeys);
  YAML::Node sync = C::get(n, "sync");
  if (C::present(sync))
    steps(sync, path + ".sync", c, [&](const YAML::Node& s, const std::string& p) {
      c.only_keys(s, p, {"local_path", "remote_path"});
      for (const char* k : {"local_path", "remote_path"})
        if (c.require(s, p, k)) c.string(C::get(s, k), C::field(p, k));
    });
  YAML::Node run = C::get(n, "run");
  if (C::present(run))
    steps(run, path + ".run", c, [&](const YAML::Node& s, const std::string& p) {
      c.only_keys(s, p, {"cmd", "trigger", "echo_off"});
      if (c.require(s, p, "cmd")) c.strings(C::get(s, "cmd"), p + ".cmd");
      if (C::present(C::get(s, "trigger"))) c.strings(C::get(s, "trigger"), p + ".trigger");
      if (C::present(C::get(s, "echo_off"))) c.boolean(C::get(s, "echo_off"), p + ".echo_off");
    });
  YAML::Node fall = C::get(n, "fall_back_on");
  if (C::present(fall))
    steps(fall, path + ".fall_back_on", c, [&](const YAML::Node& s, const std::string& p) {
      c.only_keys(s, p, {"files"});
      if (c.require(s, p, "files")) c.strings(C::get(s, "files"), p + ".files");
    });
  YAML::Node restart = C::get(n, "restart_container");
  if (restart.IsDefined())
    c.error(restart, path + ".restart_container",
            "Tilt refuses restart_container for Kubernetes resources (deprecated there since Tilt 0.17)",
            "restart the process with a run step, or wrap the entrypoint with Tilt's restart_process extension");
}

void check_build(const YAML::Node& n, const std::string& path, C& c) {
  if (!c.mapping(n, path)) return;
  c.only_keys(n, path, kBuildKeys);
  for (const char* k : {"context", "dockerfile", "dockerfile_contents", "target", "platform", "network"}) {
    YAML::Node v = C::get(n, k);
    if (C::present(v)) c.string(v, C::field(path, k));
  }
  for (const char* k : {"ignore", "only", "entrypoint", "ssh", "secret", "extra_tag", "cache_from"}) {
    YAML::Node v = C::get(n, k);
    if (C::present(v)) c.strings(v, C::field(path, k));
  }
  for (const char* k : {"container_args", "extra_hosts"}) {
    YAML::Node v = C::get(n, k);
    if (C::present(v)) c.string_list(v, C::field(path, k));
  }
  for (const char* k : {"pull", "match_in_env_vars"}) {
    YAML::Node v = C::get(n, k);
    if (C::present(v)) c.boolean(v, C::field(path, k));
  }
  if (C::present(C::get(n, "dockerfile")) && C::present(C::get(n, "dockerfile_contents")))
    c.error(C::get(n, "dockerfile_contents"), path + ".dockerfile_contents", "dockerfile and dockerfile_contents are mutually exclusive");
  YAML::Node args = C::get(n, "build_args");
  if (C::present(args) && c.string_list(args, path + ".build_args"))
    for (size_t i = 0; i < args.size(); ++i)
      if (!env_name(args[i].Scalar()))
        c.error(args[i], C::item(path + ".build_args", i), "'" + args[i].Scalar() + "' is not an environment variable name",
                "build_args lists the names of variables whose values are passed to the build");
  YAML::Node lu = C::get(n, "live_update");
  if (C::present(lu)) check_live_update(lu, path + ".live_update", c);
}

void check_links(const YAML::Node& n, const std::string& path, C& c) {
  if (!c.sequence(n, path)) return;
  for (size_t i = 0; i < n.size(); ++i) {
    std::string p = C::item(path, i);
    if (n[i].IsMap()) {
      c.only_keys(n[i], p, {"url", "name"});
      if (c.require(n[i], p, "url")) c.string(C::get(n[i], "url"), p + ".url");
      if (C::present(C::get(n[i], "name"))) c.string(C::get(n[i], "name"), p + ".name");
    } else {
      c.string(n[i], p);
    }
  }
}

void check_routing(const YAML::Node& n, const std::string& path, C& c) {
  YAML::Node ports = C::get(n, "ports");
  if (C::present(ports) && c.sequence(ports, C::field(path, "ports"))) {
    for (size_t i = 0; i < ports.size(); ++i) {
      std::string p = C::item(C::field(path, "ports"), i);
      if (!c.mapping(ports[i], p)) continue;
      c.only_keys(ports[i], p, kPortKeys);
      for (const char* k : {"from", "to"})
        if (c.require(ports[i], p, k, "a port forward is from: <local port> to: <container port>"))
          c.integer(C::get(ports[i], k), p + "." + k, 1, 65535);
      for (const char* k : {"name", "host", "link_path"})
        if (C::present(C::get(ports[i], k))) c.string(C::get(ports[i], k), p + "." + k);
    }
  }
  YAML::Node links = C::get(n, "links");
  if (C::present(links)) check_links(links, C::field(path, "links"), c);
  YAML::Node workloads = C::get(n, "workloads");
  if (C::present(workloads)) c.string_list(workloads, C::field(path, "workloads"));
}

void check_hooks(const YAML::Node& n, const std::string& path, C& c) {
  if (!c.sequence(n, path)) return;
  std::vector<std::string> names;
  for (size_t i = 0; i < n.size(); ++i) {
    std::string p = C::item(path, i);
    const YAML::Node& h = n[i];
    if (!c.mapping(h, p)) continue;
    c.only_keys(h, p, kHookKeys);
    if (c.require(h, p, "name") && c.string(C::get(h, "name"), p + ".name")) {
      std::string name = C::get(h, "name").Scalar();
      if (std::find(names.begin(), names.end(), name) != names.end())
        c.error(C::get(h, "name"), p + ".name", "hook '" + name + "' is defined twice");
      names.push_back(name);
    }
    bool has_cmd = C::present(C::get(h, "cmd")), has_do = C::present(C::get(h, "do"));
    if (has_cmd && (has_do || C::present(C::get(h, "targets"))))
      c.error(C::get(h, "cmd"), p + ".cmd", "cmd is mutually exclusive with do/targets");
    else if (!has_cmd && !has_do)
      c.error(h, p, "needs cmd (a command) or do (a verb of lok8s(hooks=...)) with targets");
    if (has_cmd) c.strings(C::get(h, "cmd"), p + ".cmd");
    if (has_do && !has_cmd && c.string(C::get(h, "do"), p + ".do")) {
      YAML::Node t = C::get(h, "targets");
      if (!C::present(t)) {
        c.error(h, p + ".targets", "do: " + C::get(h, "do").Scalar() + " needs targets (label: value pairs to act on)");
      } else if (c.mapping(t, p + ".targets")) {
        if (t.size() == 0) c.error(t, p + ".targets", "must not be empty");
        static const std::regex safe("[A-Za-z0-9._/-]+");
        for (const auto& kv : t) {
          std::string k = kv.first.IsScalar() ? kv.first.Scalar() : "";
          std::string v = kv.second.IsScalar() ? kv.second.Scalar() : "";
          if (!std::regex_match(k, safe) || !std::regex_match(v, safe))
            c.error(kv.first, p + ".targets." + k, "label keys and values must be non-empty and label-safe ([A-Za-z0-9._/-])");
        }
      }
    }
    for (const char* k : {"deps", "resource_deps"})
      if (C::present(C::get(h, k))) c.string_list(C::get(h, k), p + "." + k);
    for (const char* k : {"ignore", "labels", "serve_cmd"})
      if (C::present(C::get(h, k))) c.strings(C::get(h, k), p + "." + k);
    for (const char* k : {"dir", "serve_dir"})
      if (C::present(C::get(h, k))) c.string(C::get(h, k), p + "." + k);
    for (const char* k : {"auto_init", "allow_parallel"})
      if (C::present(C::get(h, k))) c.boolean(C::get(h, k), p + "." + k);
    if (C::present(C::get(h, "trigger_mode"))) c.one_of(C::get(h, "trigger_mode"), p + ".trigger_mode", {"auto", "manual"});
    if (C::present(C::get(h, "links"))) check_links(C::get(h, "links"), p + ".links", c);
    for (const char* k : {"env", "serve_env"}) {
      YAML::Node e = C::get(h, k);
      if (!C::present(e) || !c.mapping(e, p + "." + k)) continue;
      for (const auto& kv : e) c.string(kv.second, p + "." + k + "." + (kv.first.IsScalar() ? kv.first.Scalar() : "?"), true);
    }
  }
}

void check_tilt(const YAML::Node& n, const std::string& path, C& c) {
  if (!c.mapping(n, path)) return;
  c.only_keys(n, path, kTiltKeys);
  if (C::present(C::get(n, "resource_deps"))) c.string_list(C::get(n, "resource_deps"), path + ".resource_deps");
  if (C::present(C::get(n, "labels"))) c.strings(C::get(n, "labels"), path + ".labels");
  YAML::Node extra = C::get(n, "extra_resources");
  if (C::present(extra) && c.sequence(extra, path + ".extra_resources")) {
    for (size_t i = 0; i < extra.size(); ++i) {
      std::string p = C::item(path + ".extra_resources", i);
      if (!c.mapping(extra[i], p)) continue;
      c.only_keys(extra[i], p, kExtraResourceKeys);
      if (c.require(extra[i], p, "name")) c.string(C::get(extra[i], "name"), p + ".name");
      for (const char* k : {"objects", "resource_deps"})
        if (C::present(C::get(extra[i], k))) c.string_list(C::get(extra[i], k), p + "." + k);
      if (C::present(C::get(extra[i], "labels"))) c.strings(C::get(extra[i], "labels"), p + ".labels");
    }
  }
  YAML::Node hooks = C::get(n, "hooks");
  if (C::present(hooks)) check_hooks(hooks, path + ".hooks", c);
}

}  // namespace

void check_service_config(const YAML::Node& root, YamlCheck& c, bool builds) {
  if (!c.mapping(root, "")) return;
  c.only_keys(root, "", kTopKeys);
  YAML::Node build = C::get(root, "build");
  YAML::Node components = C::get(root, "components");
  const std::string build_hint =
      "add a build block (context, dockerfile, live_update), or set build: false or image: for the service in services.yaml";
  if (C::present(components)) {
    if (C::present(build)) {
      c.error(build, "build", "'components' and a top-level 'build' are mutually exclusive",
              "move the build into each component, or drop components for a single image");
      check_build(build, "build", c);
    }
    if (c.sequence(components, "components")) {
      if (components.size() == 0) c.error(components, "components", "must not be empty");
      std::vector<std::string> names;
      for (size_t i = 0; i < components.size(); ++i) {
        std::string p = C::item("components", i);
        const YAML::Node& comp = components[i];
        if (!c.mapping(comp, p)) continue;
        c.only_keys(comp, p, kComponentKeys);
        if (c.require(comp, p, "name") && c.string(C::get(comp, "name"), p + ".name")) {
          std::string name = C::get(comp, "name").Scalar();
          if (!valid_unit_name(name))
            c.error(C::get(comp, "name"), p + ".name", "'" + name + "' is not a valid component name",
                    "lower-case letters, digits, '.', '_' and '-': it becomes an image name and a label value");
          if (std::find(names.begin(), names.end(), name) != names.end())
            c.error(C::get(comp, "name"), p + ".name", "component '" + name + "' is defined twice");
          names.push_back(name);
        }
        YAML::Node cb = C::get(comp, "build");
        if (C::present(cb)) check_build(cb, p + ".build", c);
        else if (builds) c.error(comp, p + ".build", "is required", build_hint);
        check_routing(comp, p, c);
      }
    }
  } else if (C::present(build)) {
    check_build(build, "build", c);
  } else if (builds) {
    c.error(root, "build", "is required: lo builds this service", build_hint);
  }
  check_routing(root, "", c);
  YAML::Node tilt = C::get(root, "tilt");
  if (C::present(tilt)) check_tilt(tilt, "tilt", c);
}

}  // namespace lo::services
