// secrets.lok8s.yaml: Secrets an addon needs whose values come from the
// environment of `kubectl lo bootstrap` (a cloud token, credentials):
//
//   secrets:
//     - name: hcloud
//       namespace: kube-system
//       data:
//         token: {env: HCLOUD_TOKEN}
//         network: {env: HCLOUD_CCM_NETWORK, optional: true}
//
// lo builds them in memory at apply time: they are never written to disk
// (not in the render cache either), never printed (--dry-run shows where the
// values come from, never them), and a required variable that is not set
// stops the bootstrap before anything is applied.
#include <cstdlib>
#include <regex>

#include "bootstrap.hpp"
#include "lo/fs.hpp"
#include "lo/kubeconfig.hpp"
#include "yaml_fields.hpp"

namespace lo::bootstrap {
namespace fs = std::filesystem;

namespace {

constexpr const char* kSecretsFile = "secrets.lok8s.yaml";

bool set_in_env(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  return v && *v;
}

}  // namespace

std::vector<SecretSpec> read_secrets(const fs::path& dir, const std::string& shown_dir) {
  std::error_code ec;
  fs::path file = dir / kSecretsFile;
  if (!fs::is_regular_file(file, ec)) return {};
  std::string shown = shown_dir + "/" + kSecretsFile;
  YAML::Node root;
  try {
    root = YAML::Load(read_file(file, 1 << 20));
  } catch (const YAML::Exception& e) {
    throw Error(Location{shown, "", e.mark.line + 1}, "is not valid YAML: " + e.msg);
  }
  Diagnostics d;
  auto list = child(root, "secrets");
  if (!list.IsSequence()) throw Error(Location{shown, "secrets", line_of(root)}, "must be a list of Secrets",
                                      "secrets: [{name: x, namespace: y, data: {key: {env: VAR}}}]");
  static const std::regex env_re("^[A-Za-z_][A-Za-z0-9_]*$");
  std::vector<SecretSpec> out;
  size_t i = 0;
  for (const auto& s : list) {
    std::string path = "secrets[" + std::to_string(i++) + "]";
    SecretSpec spec;
    auto name = child(s, "name"), ns = child(s, "namespace"), data = child(s, "data");
    if (!name.IsScalar() || name.Scalar().empty()) d.error(Location{shown, path + ".name", line_of(s)}, "is required");
    else spec.name = name.Scalar();
    if (!ns.IsScalar() || ns.Scalar().empty()) d.error(Location{shown, path + ".namespace", line_of(s)}, "is required");
    else spec.ns = ns.Scalar();
    if (!data.IsMap() || data.size() == 0) {
      d.error(Location{shown, path + ".data", line_of(s)}, "must map keys to {env: VARIABLE}");
      continue;
    }
    for (const auto& kv : data) {
      std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
      std::string kpath = path + ".data." + key;
      auto env = child(kv.second, "env");
      if (!env.IsScalar() || !std::regex_match(env.Scalar(), env_re)) {
        d.error(Location{shown, kpath + ".env", line_of(kv.second)}, "must name an environment variable");
        continue;
      }
      SecretKey k{key, env.Scalar(), false};
      if (auto opt = child(kv.second, "optional"); opt.IsDefined()) {
        if (!opt.IsScalar() || (opt.Scalar() != "true" && opt.Scalar() != "false"))
          d.error(Location{shown, kpath + ".optional", line_of(opt)}, "must be true or false");
        else
          k.optional = opt.Scalar() == "true";
      }
      spec.keys.push_back(std::move(k));
    }
    out.push_back(std::move(spec));
  }
  d.throw_if_errors();
  return out;
}

std::vector<std::string> missing_secret_variables(const std::vector<SecretSpec>& secrets) {
  std::vector<std::string> missing;
  for (const auto& s : secrets)
    for (const auto& k : s.keys)
      if (!k.optional && !set_in_env(k.env)) missing.push_back(k.env + " (Secret " + s.ns + "/" + s.name + ", key " + k.key + ")");
  return missing;
}

std::vector<Json> secret_objects(const std::vector<SecretSpec>& secrets, const std::string& stage) {
  std::vector<Json> out;
  for (const auto& s : secrets) {
    Json data = Json::object();
    for (const auto& k : s.keys) {
      const char* v = std::getenv(k.env.c_str());
      if (v && *v) data[k.key] = base64_encode(v);
      else if (!k.optional) throw Error("stage " + stage + ": Secret " + s.ns + "/" + s.name + " needs " + k.env + ", which is not set",
                                        "export " + k.env + " before running lo");
    }
    out.push_back(Json{{"apiVersion", "v1"},
                       {"kind", "Secret"},
                       {"metadata",
                        {{"name", s.name},
                         {"namespace", s.ns},
                         {"labels", {{"lok8s.dev/name", stage}, {"lok8s.dev/type", "system"}}}}},
                       {"type", "Opaque"},
                       {"data", std::move(data)}});
  }
  return out;
}

std::string describe_secret(const SecretSpec& s) {
  std::vector<std::string> keys;
  for (const auto& k : s.keys)
    keys.push_back(k.key + " <- $" + k.env + (k.optional ? (set_in_env(k.env) ? " (optional)" : " (optional, unset: left out)") : ""));
  return "Secret " + s.ns + "/" + s.name + ", made at apply time from the environment (values never shown): " + join(keys);
}

}  // namespace lo::bootstrap
