#include "capi_render.hpp"
#include "template_value.hpp"

#include <algorithm>
#include <set>

#include "lo/data_home.hpp"
#include "lo/error.hpp"
#include "lo/exec.hpp"
#include "lo/fs.hpp"
#include "lo/kubeconfig.hpp"
#include "lo/substitute.hpp"
#include "lo/yaml_json.hpp"
#include "lo/yaml_load.hpp"

namespace lo::capi {
namespace fs = std::filesystem;

namespace {

using Vars = std::map<std::string, std::string>;

// Names lo itself sets; the descriptor adds its own.
const std::vector<std::string> kCoreNames = {"CLUSTER_NAME", "CLUSTER_NAMESPACE", "CLUSTER_DOMAIN", "K8S_VERSION",
                                             "CP_REPLICAS", "CREDENTIAL_SECRET_NAME"};
const std::vector<std::string> kPoolNames = {"POOL_NAME", "POOL_REPLICAS"};

// The JSON a descriptor path such as spec.hcloud.region, pool.type or
// item.serverID points at; nullptr when absent.
const Json* at_path(const Json& root, const std::string& path) {
  const Json* cur = &root;
  size_t start = 0;
  while (start <= path.size()) {
    size_t dot = path.find('.', start);
    std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!cur->is_object() || !cur->contains(key)) return nullptr;
    cur = &(*cur)[key];
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return cur;
}

bool truthy(const Json* v) {
  if (!v || v->is_null()) return false;
  if (v->is_boolean()) return v->get<bool>();
  if (v->is_string()) return !v->get<std::string>().empty();
  if (v->is_array() || v->is_object()) return !v->empty();
  return true;
}

std::string scalar_text(const Json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }


class Renderer {
 public:
  Renderer(const Workspace& ws, const LoadedDomain& d, Provider p) : ws_(ws), d_(d), p_(std::move(p)) {
    doc_ = spec_to_json(d.spec);
    descriptor_file_ = ws.show(p_.dir / "provider.yaml");
    known_.insert(kCoreNames.begin(), kCoreNames.end());
    known_.insert(kPoolNames.begin(), kPoolNames.end());
    for (const char* name : {"variables", "poolVariables", "itemVariables"}) {
      const Json section = section_of(name);
      for (auto it = section.begin(); it != section.end(); ++it) known_.insert(it.key());
    }
  }

  Rendered run() {
    Rendered out;
    out.provider = p_;
    Vars vars = core_vars();
    resolve_into(vars, section_of("variables"), doc_, "variables");
    out.cluster_name = vars["CLUSTER_NAME"];
    out.ns = vars["CLUSTER_NAMESPACE"];
    auto core = data_dir() / "core";
    emit(core / "cluster.yaml", vars, out.objects);
    emit_slot("cluster", vars, doc_, out.objects);
    emit(core / "kubeadm-control-plane.yaml", vars, out.objects);
    emit_slot("controlPlane", vars, doc_, out.objects);
    if (d_.spec.workers)
      for (const auto& pool : *d_.spec.workers) {
        Vars pv = vars;
        Json scope = doc_;
        scope["pool"] = doc_["spec"]["workers"].value(pool.name, Json::object());
        if (scope["pool"].is_null()) scope["pool"] = Json::object();
        pv["POOL_NAME"] = pool.name;
        pv["POOL_REPLICAS"] = std::to_string(pool.replicas.value_or(1));
        resolve_into(pv, section_of("poolVariables"), scope, "poolVariables");
        emit(core / "machine-deployment.yaml", pv, out.objects);
        emit(core / "kubeadm-config-template.yaml", pv, out.objects);
        emit_slot("pool", pv, scope, out.objects);
      }
    emit_each(vars, out.objects);
    for (auto& o : out.objects) label(o, vars);
    apply_patches(vars, out.objects);
    return out;
  }

 private:
  Json section_of(const char* name) const {
    if (!p_.descriptor.contains(name)) return Json::object();
    const Json& s = p_.descriptor[name];
    if (!s.is_object()) throw Error(Location{descriptor_file_, name}, "must be a map");
    return s;
  }

  Vars core_vars() const {
    const Spec& s = d_.spec;
    Vars v;
    auto need = [&](const std::optional<std::string>& value, const char* field) {
      if (!value || value->empty())
        throw Error(Location{d_.spec.file, field, s.line_of(field)}, "is required to render Cluster API resources");
      return *value;
    };
    v["CLUSTER_NAME"] = need(s.name, "metadata.name");
    v["CLUSTER_NAMESPACE"] = s.clusterNamespace.value_or("default");
    v["CLUSTER_DOMAIN"] = s.domain.value_or(d_.ref.name);
    v["K8S_VERSION"] = need(s.kubernetesVersion, "spec.kubernetes.version");
    v["CP_REPLICAS"] = std::to_string(s.controlPlaneReplicas.value_or(1));
    v["CREDENTIAL_SECRET_NAME"] = s.credentialsSecretName.value_or(v["CLUSTER_NAME"] + "-credentials");
    return v;
  }

  // Each variable: a string, or a list of sources tried in order:
  // {value: V} / {from: PATH}, each optionally guarded by when/unless PATH.
  void resolve_into(Vars& vars, const Json& section, const Json& scope, const std::string& where) const {
    for (const auto& [name, def] : section.items()) {
      std::string field = where + "." + name;
      if (def.is_string() || def.is_number()) {
        vars[name] = scalar_text(def);
        continue;
      }
      if (!def.is_array()) throw Error(Location{descriptor_file_, field}, "must be a value or a list of sources");
      std::optional<std::string> value;
      std::vector<std::string> tried;
      for (size_t i = 0; i < def.size() && !value; ++i) {
        const Json& src = def[i];
        std::string sfield = field + "[" + std::to_string(i) + "]";
        if (!src.is_object()) throw Error(Location{descriptor_file_, sfield}, "must be {value: ...} or {from: PATH}");
        if (!guard_holds(src, scope, sfield)) continue;
        if (src.contains("value")) {
          value = scalar_text(src["value"]);
        } else if (src.contains("from") && src["from"].is_string()) {
          std::string path = src["from"].get<std::string>();
          tried.push_back(path);
          const Json* v = at_path(scope, path);
          if (v && !v->is_null() && !v->is_object() && !v->is_array()) value = scalar_text(*v);
        } else {
          throw Error(Location{descriptor_file_, sfield}, "has neither value nor from");
        }
      }
      if (!value) {
        std::string spec_field = tried.empty() ? name : tried.front();
        throw Error(Location{d_.spec.file, spec_field, d_.spec.line_of(spec_field)},
                    "is required by Cluster API provider " + p_.name + " (for " + name + ")",
                    "set one of: " + join(tried));
      }
      if (!driver::safe_template_value(*value))
        throw Error(Location{d_.spec.file, tried.empty() ? name : tried.front()},
                    "'" + *value + "' contains a quote, backslash or control character", "use a plain value");
      vars[name] = *value;
    }
  }

  bool guard_holds(const Json& entry, const Json& scope, const std::string& field) const {
    for (const char* g : {"when", "unless"}) {
      if (!entry.contains(g)) continue;
      if (!entry[g].is_string()) throw Error(Location{descriptor_file_, field + "." + g}, "must be a spec path");
      bool t = truthy(at_path(scope, entry[g].get<std::string>()));
      if ((g[0] == 'w') != t) return false;
    }
    return true;
  }

  std::string substitute_file(const fs::path& file, const Vars& vars) const {
    std::string text = read_file(file, 1 << 20);
    std::vector<std::string> out_of_scope;
    std::string out = substitute(text, [&](std::string_view name) -> const std::string* {
      std::string n(name);
      if (auto it = vars.find(n); it != vars.end()) return &it->second;
      if (known_.count(n)) out_of_scope.push_back(n);
      return nullptr;
    });
    if (!out_of_scope.empty())
      throw Error(Location{ws_.show(file), {}}, "uses ${" + out_of_scope.front() + "}, which has no value here",
                  "pool variables exist only in pool templates, item variables only in 'each' templates");
    return out;
  }

  void emit(const fs::path& file, const Vars& vars, std::vector<Json>& out) const {
    if (!fs::is_regular_file(file))
      throw Error("template " + ws_.show(file) + " is missing", "reinstall lo, or restore the provider's files");
    for (auto& o : parse_yaml_documents(substitute_file(file, vars), ws_.show(file))) {
      if (!o.is_object() || !o.contains("kind"))
        throw Error(Location{ws_.show(file), "kind"}, "every document of a template must be a Kubernetes object");
      out.push_back(std::move(o));
    }
  }

  Json templates_of(const char* slot) const {
    if (!p_.descriptor.contains("templates")) return Json::array();
    const Json& t = p_.descriptor["templates"];
    if (!t.is_object() || (t.contains(slot) && !t[slot].is_array()))
      throw Error(Location{descriptor_file_, std::string("templates.") + slot}, "must be a list of {file: ...}");
    return t.value(slot, Json::array());
  }

  fs::path template_file(const Json& entry, const std::string& field) const {
    if (!entry.is_object() || !entry.contains("file") || !entry["file"].is_string())
      throw Error(Location{descriptor_file_, field + ".file"}, "is required");
    fs::path rel = entry["file"].get<std::string>();
    if (rel.is_absolute() || rel.lexically_normal().string().rfind("..", 0) == 0)
      throw Error(Location{descriptor_file_, field + ".file"}, "must be a path inside the provider folder");
    return p_.dir / rel;
  }

  void emit_slot(const char* slot, const Vars& vars, const Json& scope, std::vector<Json>& out) const {
    Json list = templates_of(slot);
    for (size_t i = 0; i < list.size(); ++i) {
      std::string field = std::string("templates.") + slot + "[" + std::to_string(i) + "]";
      if (guard_holds(list[i], scope, field)) emit(template_file(list[i], field), vars, out);
    }
  }

  void emit_each(const Vars& vars, std::vector<Json>& out) const {
    Json list = templates_of("each");
    for (size_t i = 0; i < list.size(); ++i) {
      std::string field = "templates.each[" + std::to_string(i) + "]";
      if (!guard_holds(list[i], doc_, field)) continue;
      if (!list[i].contains("items") || !list[i]["items"].is_string())
        throw Error(Location{descriptor_file_, field + ".items"}, "is required (a spec path to a list)");
      std::string path = list[i]["items"].get<std::string>();
      const Json* items = at_path(doc_, path);
      if (!items || items->is_null()) continue;
      if (!items->is_array()) throw Error(Location{d_.spec.file, path, d_.spec.line_of(path)}, "must be a list");
      for (size_t k = 0; k < items->size(); ++k) {
        Json scope = doc_;
        scope["item"] = (*items)[k];
        Vars iv = vars;
        try {
          resolve_into(iv, section_of("itemVariables"), scope, "itemVariables");
        } catch (const Error& e) {
          throw Error(Location{d_.spec.file, path + "[" + std::to_string(k) + "]"},
                      std::string("an item is incomplete: ") + e.what());
        }
        emit(template_file(list[i], field), iv, out);
      }
    }
  }

  void label(Json& o, const Vars& vars) const {
    Json& labels = o["metadata"]["labels"];
    if (!labels.is_object()) labels = Json::object();
    labels["lok8s.dev/managed"] = "true";
    labels["lok8s.dev/domain"] = vars.at("CLUSTER_DOMAIN");
  }

  // RFC 7386 JSON merge patches, each on every object of its kind (and
  // name, when given) in descriptor order.
  void apply_patches(const Vars& vars, std::vector<Json>& objects) const {
    if (!p_.descriptor.contains("patches")) return;
    const Json& list = p_.descriptor["patches"];
    if (!list.is_array()) throw Error(Location{descriptor_file_, "patches"}, "must be a list");
    for (size_t i = 0; i < list.size(); ++i) {
      std::string field = "patches[" + std::to_string(i) + "]";
      const Json& e = list[i];
      if (!e.is_object() || !e.contains("kind") || !e["kind"].is_string())
        throw Error(Location{descriptor_file_, field + ".kind"}, "is required");
      if (!guard_holds(e, doc_, field)) continue;
      fs::path file = template_file(e, field);
      auto docs = parse_yaml_documents(substitute_file(file, vars), ws_.show(file));
      if (docs.size() != 1 || !docs[0].is_object())
        throw Error(Location{ws_.show(file), {}}, "a patch file holds exactly one map");
      std::optional<std::string> name;
      if (e.contains("name")) name = substitute(scalar_text(e["name"]), [&](std::string_view n) -> const std::string* {
        auto it = vars.find(std::string(n));
        return it == vars.end() ? nullptr : &it->second;
      });
      for (auto& o : objects)
        if (o.value("kind", "") == e["kind"].get<std::string>() &&
            (!name || o["metadata"].value("name", "") == *name))
          o.merge_patch(docs[0]);
    }
  }

  const Workspace& ws_;
  const LoadedDomain& d_;
  Provider p_;
  Json doc_;
  std::string descriptor_file_;
  std::set<std::string> known_;
};

std::vector<fs::path> provider_dirs(const Workspace& ws) {
  return {ws.root / ".lok8s" / "drivers" / "capi" / "providers", data_dir() / "providers"};
}

Provider load_provider(const Workspace& ws, const std::string& name, const fs::path& dir) {
  Provider p;
  p.name = name;
  p.dir = dir;
  auto file = dir / "provider.yaml";
  auto docs = parse_yaml_documents(read_file(file, 1 << 20), ws.show(file));
  if (docs.size() != 1 || !docs[0].is_object())
    throw Error(Location{ws.show(file), {}}, "must be one YAML map (selectedBy, variables, credentials, templates)");
  p.descriptor = std::move(docs[0]);
  return p;
}

}  // namespace

fs::path data_dir() {
  fs::path dir = data_path("drivers") / "capi";
  std::error_code ec;
  if (!fs::is_directory(dir / "core", ec))
    throw Error("the Cluster API templates of lo are missing: " + dir.string() + " (data home from " + data_home().from + ")",
                "reinstall lo, or point LOK8S_HOME at a folder holding drivers/capi/");
  return dir;
}

Provider find_provider(const Workspace& ws, const Spec& spec) {
  std::vector<std::string> available;
  std::error_code ec;
  if (spec.provider.name) {
    for (const auto& base : provider_dirs(ws))
      if (fs::is_regular_file(base / *spec.provider.name / "provider.yaml", ec))
        return load_provider(ws, *spec.provider.name, base / *spec.provider.name);
  }
  Json doc = spec_to_json(spec);
  std::vector<Provider> matches;
  std::set<std::string> seen;
  for (const auto& base : provider_dirs(ws)) {
    for (const auto& name : visible_subfolders(base)) {
      if (!seen.insert(name).second || !fs::is_regular_file(base / name / "provider.yaml", ec)) continue;
      available.push_back(name);
      if (spec.provider.name) continue;
      Provider p = load_provider(ws, name, base / name);
      const Json sel = p.descriptor.value("selectedBy", Json::array());
      for (const auto& field : sel)
        if (field.is_string() && truthy(at_path(doc["spec"], field.get<std::string>()))) {
          matches.push_back(p);
          break;
        }
    }
  }
  std::sort(available.begin(), available.end());
  if (spec.provider.name)
    throw Error(Location{spec.file, "spec.provider.name", spec.line_of("spec.provider.name")},
                "no Cluster API provider '" + *spec.provider.name + "'",
                "providers: " + join(available) + "; add one as .lok8s/drivers/capi/providers/" + *spec.provider.name + "/provider.yaml");
  if (matches.size() == 1) return matches.front();
  if (matches.empty())
    throw Error(Location{spec.file, "spec.provider.name"}, "no provider found in the cluster spec",
                "set spec.provider.name (one of: " + join(available) + "), or spec.hcloud / spec.aws");
  std::vector<std::string> names;
  for (const auto& m : matches) names.push_back(m.name);
  throw Error(Location{spec.file, "spec.provider.name"}, "the spec fits several providers: " + join(names),
              "set spec.provider.name to the one you mean");
}

Rendered render(const Workspace& ws, const LoadedDomain& d) { return Renderer(ws, d, find_provider(ws, d.spec)).run(); }

std::string to_yaml(const std::vector<Json>& objects) {
  std::string out;
  for (size_t i = 0; i < objects.size(); ++i) out += (i ? "---\n" : "") + json_to_yaml(objects[i]);
  return out;
}

CredentialSecret credential_secret(const Rendered& r, const LoadedDomain& d,
                                   const std::function<const char*(const char*)>& env) {
  CredentialSecret s;
  s.name = d.spec.credentialsSecretName.value_or(r.cluster_name + "-credentials");
  s.ns = r.ns;
  Json doc = spec_to_json(d.spec);
  std::vector<std::string> missing;
  const Json list = r.provider.descriptor.value("credentials", Json::array());
  for (size_t i = 0; i < list.size(); ++i) {
    const Json& c = list[i];
    std::string field = "credentials[" + std::to_string(i) + "]";
    if (!c.is_object() || !c.contains("key") || !c["key"].is_string())
      throw Error(Location{(r.provider.dir / "provider.yaml").string(), field + ".key"}, "is required");
    bool required = !c.contains("requiredWhen") || truthy(at_path(doc, c["requiredWhen"].get<std::string>()));
    std::optional<std::string> value;
    std::string source;
    if (c.contains("env")) {
      source = c["env"].get<std::string>();
      if (const char* v = env(source.c_str()); v && *v) value = v;
    } else if (c.contains("from")) {
      source = c["from"].get<std::string>();
      if (const Json* v = at_path(doc, source); v && !v->is_null()) value = scalar_text(*v);
    }
    if (value) s.data[c["key"].get<std::string>()] = *value;
    else if (required) missing.push_back(source);
  }
  if (!missing.empty())
    throw Error("credentials of Cluster API provider " + r.provider.name + " are incomplete: " + join(missing) + " not set",
                "export the variables (or set the spec fields) before provisioning; lo stores them in Secret " + s.ns +
                    "/" + s.name + " on the management cluster");
  return s;
}

Json secret_object(const CredentialSecret& s) {
  Json o = {{"apiVersion", "v1"}, {"kind", "Secret"},
            {"metadata", {{"name", s.name}, {"namespace", s.ns}, {"labels", {{"lok8s.dev/managed", "true"}}}}},
            {"type", "Opaque"}, {"data", Json::object()}};
  for (const auto& [k, v] : s.data) o["data"][k] = base64_encode(v);
  return o;
}

}  // namespace lo::capi
