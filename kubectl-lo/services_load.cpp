// Reading services: the files in merge order, the merge, the environment,
// the effective document, and each service's config file.
#include <algorithm>
#include <cstdlib>

#include "lo/fs.hpp"
#include "services.hpp"

namespace lo::services {
namespace fs = std::filesystem;
namespace {

constexpr size_t kMaxFileBytes = 1 << 20;

// The one document of a file; problems recorded, nullopt when unusable.
std::optional<YAML::Node> read_document(const fs::path& file, YamlCheck& c, Diagnostics& diags) {
  try {
    return load_yaml_document(read_file(file, kMaxFileBytes), c);
  } catch (const Error& e) {
    for (const auto& p : e.problems()) diags.add(p);
    return std::nullopt;
  }
}

// Where each merged value came from, by field path, for errors found after
// merging.
using Origins = std::map<std::string, Location>;

void record(Origins& o, const YAML::Node& n, const std::string& path, const std::string& file) {
  Location l{file, path, n.Mark().line >= 0 ? n.Mark().line + 1 : 0, 0};
  o[path] = l;
  if (n.IsMap()) {
    for (const auto& kv : n)
      if (kv.first.IsScalar()) record(o, kv.second, YamlCheck::field(path, kv.first.Scalar()), file);
  } else if (n.IsSequence()) {
    for (size_t i = 0; i < n.size(); ++i) record(o, n[i], YamlCheck::item(path, i), file);
  }
}

// Maps merge key by key; lists and scalars replace; null removes.
void merge(Json& base, const YAML::Node& overlay, const std::string& path, const std::string& file, Origins& o) {
  for (const auto& kv : overlay) {
    const std::string key = kv.first.Scalar();
    const std::string p = YamlCheck::field(path, key);
    const YAML::Node& v = kv.second;
    if (!v.IsDefined() || v.IsNull()) {
      base.erase(key);
      continue;
    }
    if (v.IsMap()) {
      if (!base.contains(key) || !base[key].is_object()) base[key] = Json::object();
      o[p] = Location{file, p, v.Mark().line + 1, 0};
      merge(base[key], v, p, file, o);
      continue;
    }
    base[key] = yaml_to_json(v, file);
    record(o, v, p, file);
  }
}

// ${NAME} and $NAME from the environment; unset is empty; any other '$'
// stays as written.
std::string expand_env(const std::string& s) {
  auto name_char = [](char c, bool first) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || (!first && std::isdigit(static_cast<unsigned char>(c))); };
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '$' || i + 1 >= s.size()) {
      out += s[i];
      continue;
    }
    size_t start = i + 1, end;
    bool braced = s[start] == '{';
    if (braced) ++start;
    end = start;
    while (end < s.size() && name_char(s[end], end == start)) ++end;
    if (end == start || (braced && (end >= s.size() || s[end] != '}'))) {
      out += s[i];
      continue;
    }
    const char* v = std::getenv(s.substr(start, end - start).c_str());
    if (v) out += v;
    i = braced ? end : end - 1;
  }
  return out;
}

void expand_all(Json& j) {
  if (j.is_string()) j = expand_env(j.get<std::string>());
  else if (j.is_structured())
    for (auto& v : j) expand_all(v);
}

Json effective(const Json& merged) {
  Json out = Json::object();
  out["apiVersion"] = merged.value("apiVersion", std::string(kApiVersion));
  out["kind"] = merged.value("kind", std::string("Services"));
  if (merged.contains("metadata")) out["metadata"] = merged["metadata"];
  const Json registry = merged.value("registry", Json::object());
  Json reg_out = Json::object();
  const Json prefix = registry.value("prefix", Json(""));
  reg_out["prefix"] = prefix == "" ? Json(kDefaultPrefix) : prefix;
  for (const char* k : {"endpoint", "branch", "tag", "parallel"})
    if (registry.contains(k)) reg_out[k] = registry.at(k);
  out["registry"] = reg_out;
  Json defaults = merged.value("defaults", Json::object());
  out["defaults"] = Json{{"build", defaults.value("build", true)}, {"dockerfile", defaults.value("dockerfile", std::string("service"))}};
  Json services = Json::object();
  const Json declared = merged.value("services", Json::object());
  for (const auto& [name, s] : declared.items()) {
    Json e = Json::object();
    e["enabled"] = s.value("enabled", true);
    e["path"] = s.value("path", "./" + name);
    bool pinned = s.contains("image");
    e["build"] = pinned ? false : s.value("build", out["defaults"]["build"].get<bool>());
    e["dockerfile"] = s.value("dockerfile", out["defaults"]["dockerfile"].get<std::string>());
    if (s.contains("namespace")) e["namespace"] = s["namespace"];
    if (pinned) {
      e["image"] = s["image"];
    } else {
      Json r = Json::object();
      const Json own = s.value("registry", Json::object());
      for (const char* k : {"prefix", "endpoint", "branch", "tag"}) {
        if (own.contains(k) && own[k] != "") r[k] = own[k];
        else if (reg_out.contains(k) && reg_out[k] != "") r[k] = reg_out[k];
      }
      e["registry"] = r;
    }
    if (s.contains("watch")) e["watch"] = s["watch"];
    services[name] = e;
  }
  out["services"] = services;
  return out;
}

// Checks after merging and substitution: what one file alone cannot show.
void check_merged(const Json& merged, const Origins& o, const std::vector<std::string>& order, Diagnostics& diags) {
  const std::string first_file = order.empty() ? "services.yaml" : order.front();
  auto where = [&](const std::string& path) {
    auto it = o.find(path);
    return it != o.end() ? it->second : Location{first_file, path, 0, 0};
  };
  const Json reg = merged.value("registry", Json::object());
  if (reg.contains("prefix") && reg["prefix"].is_string() && reg["prefix"] != "" &&
      !valid_image_prefix(reg["prefix"].get<std::string>()))
    diags.error(where("registry.prefix"), "'" + reg["prefix"].get<std::string>() + "' is not an image repository prefix",
                "lower-case host and path such as lok8s.local or registry.example.com:5000/team");
  const Json declared = merged.value("services", Json::object());
  for (const auto& [name, s] : declared.items()) {
    std::string p = "services." + name;
    if (s.contains("image") && s.contains("registry")) {
      // Each file alone was fine: name both places, report at the later one.
      Location image = where(p + ".image"), registry = where(p + ".registry");
      auto rank = [&](const Location& l) { return std::find(order.begin(), order.end(), l.file) - order.begin(); };
      Location at = rank(registry) > rank(image) ? registry : image;
      diags.error(at, "image (" + image.file + ":" + std::to_string(image.line) + ") and registry (" + registry.file + ":" +
                          std::to_string(registry.line) + ") are mutually exclusive",
                  "image pins a finished reference; remove one of the two in the profile or the base file");
    }
    if (s.contains("image") && s["image"].is_string()) {
      const std::string img = s["image"].get<std::string>();
      if (img.empty() || img.find_first_of(" \t\n") != std::string::npos)
        diags.error(where(p + ".image"), img.empty() ? "is empty (after substituting the environment)"
                                                     : "'" + img + "' is not an image reference",
                    "a reference such as ghcr.io/acme/api:1.2.3 or ...@sha256:<digest>");
    }
    if (s.contains("registry") && s["registry"].contains("prefix") && s["registry"]["prefix"] != "" &&
        !valid_image_prefix(s["registry"]["prefix"].get<std::string>()))
      diags.error(where(p + ".registry.prefix"), "'" + s["registry"]["prefix"].get<std::string>() + "' is not an image repository prefix");
  }
}

void check_service_configs(const Workspace& ws, const Options& opt, Services& out, Diagnostics& diags) {
  const Json& doc = out.doc;
  for (const auto& [name, s] : doc["services"].items()) {
    fs::path dir = fs::path(s["path"].get<std::string>());
    if (dir.is_relative()) dir = ws.root / dir;
    fs::path file = (dir / opt.service_file).lexically_normal();
    std::error_code ec;
    if (!fs::exists(file, ec)) {
      if (s["enabled"].get<bool>() && s["build"].get<bool>())
        diags.warning(Location{out.files.empty() ? "services.yaml" : ws.show(out.files.front()), "services." + name},
                      "is built by Tilt, but " + ws.show(file) + " does not exist, so nothing builds its image",
                      "write " + ws.show(file) + " (build: context, dockerfile, live_update), or set build: false or image:");
      continue;
    }
    YamlCheck c(ws.show(file), diags);
    auto root = read_document(file, c, diags);
    if (!root) continue;
    bool builds = s["enabled"].get<bool>() && s["build"].get<bool>();
    check_service_config(*root, c, builds);
    YAML::Node comps = YamlCheck::get(*root, "components");
    if (comps.IsSequence())
      for (const auto& comp : comps)
        if (YamlCheck::get(comp, "name").IsScalar()) out.components[name].push_back(YamlCheck::get(comp, "name").Scalar());
  }
}

}  // namespace

Options options_from_env() {
  Options o;
  if (const char* p = std::getenv("LOK8S_SERVICE_CONFIG")) o.profile = p;
  return o;
}

std::vector<fs::path> candidate_files(const Workspace& ws, const Options& o) {
  std::vector<fs::path> files{ws.root / "services.yaml", ws.root / "services.base.yaml", ws.root / "services.default.yaml"};
  if (!o.profile.empty()) files.push_back(ws.root / ("services." + o.profile + ".yaml"));
  return files;
}

Services load(const Workspace& ws, const Options& o, Diagnostics& diags) {
  Services out;
  if (!o.profile.empty() && !valid_unit_name(o.profile))
    throw UsageError("LOK8S_SERVICE_CONFIG='" + o.profile + "' is not a profile name",
                     "it names services.<profile>.yaml: lower-case letters, digits, '.', '_' and '-'");
  std::error_code ec;
  for (const auto& f : candidate_files(ws, o)) {
    if (!fs::is_regular_file(f, ec)) continue;
    if (f.filename() == "services.base.yaml" && !out.files.empty()) continue;  // legacy, only without services.yaml
    out.files.push_back(f);
  }
  out.found = !out.files.empty();
  Json merged = Json::object();
  Origins origins;
  size_t errors_before = diags.error_count();
  for (const auto& f : out.files) {
    YamlCheck c(ws.show(f), diags);
    auto root = read_document(f, c, diags);
    if (!root) continue;
    size_t before = diags.error_count();
    check_services_file(*root, c);
    if (diags.error_count() == before && root->IsMap()) merge(merged, *root, "", c.file(), origins);
  }
  if (diags.error_count() != errors_before) return out;
  expand_all(merged);
  std::vector<std::string> shown;
  for (const auto& f : out.files) shown.push_back(ws.show(f));
  check_merged(merged, origins, shown, diags);
  if (diags.error_count() != errors_before) return out;
  out.doc = effective(merged);
  check_service_configs(ws, o, out, diags);
  return out;
}

}  // namespace lo::services
