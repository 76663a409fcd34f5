// spec.bootstrap: the list of addons and paths applied after provisioning,
// each entry in one of the three forms of BootstrapEntry (lo/spec.hpp).
// Only the shape is checked here; where an entry points, whether it is a
// chart, and what dependsOn names are checked by the bootstrap planner,
// which needs the files.
#include <regex>

#include "lo/addons.hpp"
#include "lo/yaml_json.hpp"
#include "spec_reader.hpp"

namespace lo {

std::string BootstrapEntry::id() const { return alias ? *alias : default_entry_name(name); }

namespace detail {
namespace {

const std::vector<std::string> kReserved = {"values", "env", "wait", "name", "dependsOn"};

bool is_reserved(const std::string& k) { return std::find(kReserved.begin(), kReserved.end(), k) != kReserved.end(); }

bool valid_entry_name(const std::string& s) {
  static const std::regex re("^[A-Za-z0-9._-]+$");
  return std::regex_match(s, re);
}

// A plain or quoted scalar that YAML reads as a string (not true, 3, null).
bool string_scalar(const YAML::Node& n) {
  if (!n.IsScalar()) return false;
  if (n.Tag() != "?") return true;  // quoted or tagged: a string
  return !yaml_needs_quotes(n.Scalar());
}

void read_env(SpecReader& r, const YAML::Node& env, const std::string& path, BootstrapEntry& e) {
  if (!env.IsDefined() || env.IsNull()) return;
  if (!env.IsMap()) {
    r.error(env, path, "must be a mapping of LOK8S_USER_* variables to values",
            "for example: env: {LOK8S_USER_REGION: fsn1}");
    return;
  }
  static const std::regex name_re("^LOK8S_USER_[A-Za-z0-9_]+$");
  for (const auto& kv : env) {
    std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
    std::string field = path + "." + key;
    if (!std::regex_match(key, name_re)) {
      r.error(kv.first, field, "'" + key + "' is not a LOK8S_USER_* variable name",
              "addons get ${LOK8S_SPEC_*} from the spec and ${LOK8S_USER_*} from here: name it LOK8S_USER_<NAME> "
              "(letters, digits, _)");
      continue;
    }
    if (kv.second.IsMap() || kv.second.IsSequence()) {
      r.error(kv.second, field, "must be a single value, got a " + std::string(kv.second.IsMap() ? "mapping" : "list"),
              "env: holds text substituted into the addon; Helm values go under values:");
      continue;
    }
    if (!kv.second.IsDefined() || kv.second.IsNull()) {
      r.error(kv.second, field, "has no value", "write '' for an empty value, or remove the line");
      continue;
    }
    e.env.emplace_back(key, kv.second.Scalar());
  }
}

void read_keyed(SpecReader& r, const YAML::Node& m, const std::string& path, BootstrapEntry& e) {
  e.keyed = true;
  for (const auto& kv : m) {
    std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
    if (!is_reserved(key))
      r.error(kv.first, path + "." + key, "'" + key + "' is not one of " + join(kReserved),
              "next to those keys Helm values go under values: (values: {" + key + ": ...})");
  }
  if (auto v = SpecReader::child(m, "values"); v.IsDefined() && !v.IsNull()) {
    if (!v.IsMap())
      r.error(v, path + ".values", "must be a mapping of Helm values", "for example: values: {hubble: {enabled: true}}");
    else
      e.values = r.opaque(v, path + ".values");
  }
  read_env(r, SpecReader::child(m, "env"), path + ".env", e);
  e.wait = r.boolean(SpecReader::child(m, "wait"), path + ".wait");
  if (auto n = SpecReader::child(m, "name"); n.IsDefined()) {
    if (!string_scalar(n) || n.Scalar().empty())
      r.error(n, path + ".name", "must be a non-empty name", "letters, digits, '.', '-' and '_'; quote it if it looks like a number");
    else if (!valid_entry_name(n.Scalar()))
      r.error(n, path + ".name", "'" + n.Scalar() + "' is not a valid entry name", "letters, digits, '.', '-' and '_'");
    else
      e.alias = n.Scalar();
  }
  if (auto d = SpecReader::child(m, "dependsOn"); d.IsDefined() && !d.IsNull()) {
    if (!d.IsSequence()) {
      r.error(d, path + ".dependsOn", "must be a list of entry names", "for example: dependsOn: [cilium]");
    } else {
      std::vector<std::string> deps;
      size_t i = 0;
      for (const auto& item : d) {
        std::string field = path + ".dependsOn[" + std::to_string(i++) + "]";
        if (!string_scalar(item) || item.Scalar().empty())
          r.error(item, field, "must be the name of another entry", "the name an entry goes by: its name:, its addon name, or its folder name");
        else
          deps.push_back(item.Scalar());
      }
      e.dependsOn = std::move(deps);
    }
  }
}

}  // namespace

void read_bootstrap(SpecReader& r, const YAML::Node& spec) {
  auto b = SpecReader::child(spec, "bootstrap");
  if (!b.IsDefined() || b.IsNull()) return;
  r.remember_line(b, "spec.bootstrap");
  if (!b.IsSequence()) {
    r.error(b, "spec.bootstrap", "must be a list of addon names or paths",
            "for example: [cilium, metallb, ./targets/networking]");
    return;
  }
  std::vector<BootstrapEntry> entries;
  size_t i = 0;
  for (const auto& item : b) {
    std::string path = "spec.bootstrap[" + std::to_string(i++) + "]";
    BootstrapEntry e;
    e.line = item.Mark().line + 1;
    YAML::Node body;
    if (item.IsScalar()) {
      e.name = item.Scalar();
    } else if (item.IsMap() && item.size() == 1) {
      auto kv = *item.begin();
      if (!kv.first.IsScalar()) {
        r.error(item, path, "the addon name must be a string");
        continue;
      }
      e.name = kv.first.Scalar();
      body = kv.second;
    } else if (item.IsMap()) {
      std::vector<std::string> keys;
      for (const auto& kv : item) keys.push_back(kv.first.IsScalar() ? kv.first.Scalar() : "?");
      r.error(item, path, "an entry is one addon, but this mapping has " + std::to_string(keys.size()) + " keys (" + join(keys) + ")",
              "write '- name' or '- name: {...}'; keys such as values: belong indented under the addon name");
      continue;
    } else {
      r.error(item, path, "must be an addon name, a path, or a single 'name: {...}' mapping");
      continue;
    }
    if (!is_path_entry(e.name) && (e.name.empty() || !is_dns_label(e.name))) {
      r.error(item, path, "'" + e.name + "' is neither an addon name nor a path",
              "addon names are lower-case like cilium; paths start with ./, ../ or /");
      continue;
    }
    std::string bpath = path + "." + e.name;
    if (body.IsDefined() && !body.IsNull()) {
      if (!body.IsMap()) {
        r.error(body, bpath, "must be a mapping: Helm values, or " + join(kReserved),
                "for example: - " + e.name + ": {values: {...}, wait: false}");
        continue;
      }
      bool keyed = false;
      for (const auto& kv : body) keyed |= kv.first.IsScalar() && is_reserved(kv.first.Scalar());
      if (keyed) {
        read_keyed(r, body, bpath, e);
      } else {
        e.values = r.opaque(body, bpath);
      }
    }
    entries.push_back(std::move(e));
  }
  r.spec().bootstrap = std::move(entries);
}

}  // namespace detail
}  // namespace lo
