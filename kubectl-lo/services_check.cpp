// The allow-lists of services.yaml (upstream's _validate_services_yaml),
// applied to each file on its own. Stricter than upstream where it cost
// users a confusing Tilt error later: service names must be usable as image
// names and label values, `enabled` must be a boolean (upstream compared the
// text "false"), a service entry must be a mapping.
#include <regex>

#include "services.hpp"

namespace lo::services {
namespace {

const std::vector<std::string> kTopKeys = {"apiVersion", "kind", "metadata", "registry", "defaults", "services"};
const std::vector<std::string> kRegistryKeys = {"endpoint", "branch", "tag", "prefix", "parallel"};
const std::vector<std::string> kServiceRegistryKeys = {"endpoint", "branch", "tag", "prefix"};
const std::vector<std::string> kDefaultsKeys = {"build", "dockerfile"};
const std::vector<std::string> kServiceKeys = {"enabled", "build", "path", "namespace", "dockerfile",
                                               "watch", "registry", "image"};
const std::vector<std::string> kDockerfileTypes = {"service", "production"};

bool dns_label(const std::string& s) {
  static const std::regex re("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  return s.size() <= 63 && std::regex_match(s, re);
}

void check_registry(const YAML::Node& n, const std::string& path, YamlCheck& c, const std::vector<std::string>& keys) {
  if (!YamlCheck::present(n) || !c.mapping(n, path)) return;
  c.only_keys(n, path, keys);
  for (const char* k : {"endpoint", "branch", "tag"}) {
    YAML::Node v = YamlCheck::get(n, k);
    if (YamlCheck::present(v)) c.string(v, YamlCheck::field(path, k), true);
  }
  YAML::Node prefix = YamlCheck::get(n, "prefix");
  if (YamlCheck::present(prefix) && c.string(prefix, path + ".prefix") && prefix.Scalar().find('$') == std::string::npos &&
      !valid_image_prefix(prefix.Scalar()))
    c.error(prefix, path + ".prefix", "'" + prefix.Scalar() + "' is not an image repository prefix",
            "lower-case host and path such as lok8s.local or registry.example.com:5000/team");
  YAML::Node parallel = YamlCheck::get(n, "parallel");
  if (YamlCheck::present(parallel)) c.integer(parallel, path + ".parallel", 0, 1024);
}

void check_service(const std::string& name, const YAML::Node& key, const YAML::Node& n, YamlCheck& c) {
  std::string path = "services." + name;
  if (!valid_unit_name(name))
    c.error(key, path, "'" + name + "' is not a valid service name",
            "use lower-case letters, digits, '.', '_' and '-' (at most 63, starting and ending with a letter or "
            "digit): the name becomes the image <prefix>/<name> and the label value lok8s.dev/name=<name>");
  if (!YamlCheck::present(n)) {
    c.error(key, path, "must be a mapping, got nothing", "write '" + name + ": {}' for a service with every default");
    return;
  }
  if (!c.mapping(n, path)) return;
  c.only_keys(n, path, kServiceKeys);
  for (const char* k : {"enabled", "build"}) {
    YAML::Node v = YamlCheck::get(n, k);
    if (YamlCheck::present(v)) c.boolean(v, path + "." + k);
  }
  YAML::Node p = YamlCheck::get(n, "path");
  if (YamlCheck::present(p)) c.string(p, path + ".path");
  YAML::Node ns = YamlCheck::get(n, "namespace");
  if (YamlCheck::present(ns) && c.string(ns, path + ".namespace") && !dns_label(ns.Scalar()))
    c.error(ns, path + ".namespace", "'" + ns.Scalar() + "' is not a namespace name",
            "lower-case letters, digits and '-', at most 63");
  YAML::Node df = YamlCheck::get(n, "dockerfile");
  if (YamlCheck::present(df)) c.one_of(df, path + ".dockerfile", kDockerfileTypes);
  YAML::Node watch = YamlCheck::get(n, "watch");
  if (YamlCheck::present(watch)) c.string_list(watch, path + ".watch");
  check_registry(YamlCheck::get(n, "registry"), path + ".registry", c, kServiceRegistryKeys);
  YAML::Node image = YamlCheck::get(n, "image");
  if (YamlCheck::present(image)) c.string(image, path + ".image");
  if (YamlCheck::present(image) && YamlCheck::present(YamlCheck::get(n, "registry")))
    c.error(image, path + ".image", "image and registry are mutually exclusive",
            "image pins a finished reference; registry says where lo finds an image it does not build");
}

}  // namespace

bool valid_unit_name(const std::string& s) {
  static const std::regex re("[a-z0-9]([a-z0-9._-]*[a-z0-9])?");
  return s.size() <= 63 && std::regex_match(s, re);
}

bool valid_image_prefix(const std::string& s) {
  static const std::regex re(
      "[a-z0-9]([a-z0-9._-]*[a-z0-9])?(:[0-9]+)?(/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*");
  return s.size() <= 200 && std::regex_match(s, re);
}

void check_services_file(const YAML::Node& root, YamlCheck& c) {
  if (!c.mapping(root, "")) return;
  c.only_keys(root, "", kTopKeys);
  YAML::Node api = YamlCheck::get(root, "apiVersion");
  if (YamlCheck::present(api) && c.string(api, "apiVersion") && api.Scalar().rfind("services.lok8s.dev/", 0) != 0)
    c.warning(api, "apiVersion", "'" + api.Scalar() + "' is not a services.lok8s.dev version",
              std::string("write apiVersion: ") + kApiVersion);
  YAML::Node kind = YamlCheck::get(root, "kind");
  if (YamlCheck::present(kind) && c.string(kind, "kind") && kind.Scalar() != "Services")
    c.warning(kind, "kind", "'" + kind.Scalar() + "' is not Services", "write kind: Services");
  check_registry(YamlCheck::get(root, "registry"), "registry", c, kRegistryKeys);
  YAML::Node defaults = YamlCheck::get(root, "defaults");
  if (YamlCheck::present(defaults) && c.mapping(defaults, "defaults")) {
    c.only_keys(defaults, "defaults", kDefaultsKeys);
    YAML::Node b = YamlCheck::get(defaults, "build");
    if (YamlCheck::present(b)) c.boolean(b, "defaults.build");
    YAML::Node df = YamlCheck::get(defaults, "dockerfile");
    if (YamlCheck::present(df)) c.one_of(df, "defaults.dockerfile", kDockerfileTypes);
  }
  YAML::Node services = YamlCheck::get(root, "services");
  if (!YamlCheck::present(services) || !c.mapping(services, "services")) return;
  std::vector<std::string> seen;
  for (const auto& kv : services) {
    if (!kv.first.IsScalar()) {
      c.error(kv.first, "services", "service names must be plain names");
      continue;
    }
    const std::string& name = kv.first.Scalar();
    if (std::find(seen.begin(), seen.end(), name) != seen.end())
      c.error(kv.first, "services." + name, "is defined twice", "keep one of the two");
    seen.push_back(name);
    check_service(name, kv.first, kv.second, c);
  }
}

}  // namespace lo::services
