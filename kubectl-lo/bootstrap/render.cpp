#include "render.hpp"

#include <algorithm>
#include <set>

#include "helm.hpp"
#include "kubectl-lo-build/cache.hpp"
#include "kubectl-lo-build/envsubst.hpp"
#include "kubectl-lo-build/folder.hpp"
#include "kubectl-lo-build/hash.hpp"
#include "kubectl-lo-build/inputs.hpp"
#include "kubectl-lo-build/kustomize.hpp"
#include "lo/fs.hpp"
#include "lo/kustomization.hpp"
#include "lo/log.hpp"
#include "lo/temp_dir.hpp"
#include "lo/version.hpp"
#include "lo/yaml_json.hpp"

namespace lo::bootstrap {
namespace fs = std::filesystem;

namespace {

constexpr int kStageStampVersion = 1;
constexpr const char* kChartOutput = "lo-rendered-chart.yaml";

// Every file below `dir` (symlinks followed), sorted.
void all_files(const fs::path& dir, std::vector<fs::path>& out) {
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::follow_directory_symlink, ec), end;
       !ec && it != end; it.increment(ec))
    if (it->is_regular_file(ec)) out.push_back(it->path().lexically_normal());
}

bool stringify_env(Json& v) {
  bool changed = false;
  if (v.is_array()) {
    for (auto& item : v) changed |= stringify_env(item);
    return changed;
  }
  if (!v.is_object()) return false;
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (it.key() == "env" && it.value().is_array()) {
      for (auto& e : it.value()) {
        if (!e.is_object() || !e.contains("value")) continue;
        Json& value = e["value"];
        if (value.is_number() || value.is_boolean()) {
          value = value.dump();
          changed = true;
        }
      }
    }
    changed |= stringify_env(it.value());
  }
  return changed;
}

// The kustomization of a chart addon, with the rendered chart as its first
// resource and khelm's chart.yaml generator dropped. Written back through
// lo's YAML writer, which quotes every string that would read back as
// another type (also YAML 1.1's yes/no, as kustomize reads them).
std::string wrap_kustomization(const fs::path& file, const std::string& shown, bool with_chart) {
  std::vector<Json> docs = parse_yaml_documents(read_file(file, 1 << 20), shown);
  if (docs.size() != 1 || !docs[0].is_object()) throw Error(Location{shown}, "must be one mapping (a kustomization)");
  Json k = std::move(docs[0]);
  if (k.contains("generators") && k["generators"].is_array()) {
    Json kept = Json::array();
    for (const auto& g : k["generators"])
      if (!(g.is_string() && fs::path(g.get<std::string>()).lexically_normal() == "chart.yaml")) kept.push_back(g);
    if (kept.empty()) k.erase("generators");
    else k["generators"] = std::move(kept);
  }
  if (with_chart) {
    Json resources = Json::array({kChartOutput});
    if (k.contains("resources") && k["resources"].is_array())
      for (const auto& r : k["resources"]) resources.push_back(r);
    k["resources"] = std::move(resources);
  }
  return json_to_yaml(k);
}

}  // namespace

bool stringify_string_fields(Json& object) {
  bool changed = stringify_env(object);
  if (object.value("kind", "") == "ConfigMap" && object.value("apiVersion", "") == "v1" && object.contains("data") &&
      object["data"].is_object())
    for (auto& [k, v] : object["data"].items())
      if (v.is_number() || v.is_boolean()) {
        v = v.dump();
        changed = true;
      }
  return changed;
}

struct Renderer::Impl {
  const Plan& plan;
  const build::BuildVariables& vars;
  const Options& options;
  build::Kustomize kustomize;
  std::optional<fs::path> helm;
  std::string helm_identity;
  fs::path out_root, cache_dir;

  std::string key(const Stage& s, const Json& values) const {
    build::Sha256 h;
    h.field("lo-bootstrap-stage").field(std::to_string(kStageStampVersion)).field(kVersion).field(kustomize.identity);
    h.field(plan.kind).field(plan.provider).field(plan.kube_version);
    if (s.chart) {
      const Chart& c = *s.chart;
      h.field(helm_identity).field(c.repository.value_or("")).field(c.chart).field(c.version.value_or(""));
      h.field(c.release).field(c.ns).field(c.kubeVersion.value_or("")).field(c.includeCRDs ? "crds" : "no-crds");
      for (const auto& a : c.apiVersions) h.field(a);
      h.field(values.dump());
    }
    for (const auto& [k, v] : s.entry.env) h.field(k).field(v);
    return h.hex();
  }

  build::VarMap variables(const Stage& s, bool with_api) const {
    build::VarMap v = vars.get(with_api);
    for (const auto& [k, value] : s.entry.env) v[k] = value;
    return v;
  }

  build::EnvOverrides child_env(const Stage& s) const {
    build::EnvOverrides env = build::go_tuning(1);
    for (const auto& [k, v] : vars.base())
      if (k.rfind("LOK8S_SPEC_", 0) == 0) env[k] = v;
    for (const auto& [k, v] : s.entry.env) env[k] = v;
    return env;
  }

  std::string run_kustomize(const Stage& s, const fs::path& dir) const {
    build::Kustomize k = kustomize;
    k.timeout = options.render_timeout;
    ExecResult r = build::run_kustomize(k, dir, child_env(s));
    if (!r.ok())
      throw Error("stage " + s.id + ": " + k.display + " of " + plan.ws.show(s.dir) + " failed:\n  " +
                      build::kustomize_error(k, r),
                  "fix the addon's kustomization (" + plan.ws.show(s.dir) + ")");
    return std::move(r.out);
  }

  std::string render_chart(const Stage& s, const Json& values, const TempDir& tmp) const {
    if (!helm) throw helm_missing(s.id);
    fs::path values_file = tmp.path() / "values.yaml";
    write_file_atomic(values_file, values.empty() ? std::string("{}\n") : json_to_yaml(values), fs::perms(0600));
    auto argv = helm_template_argv(*helm, *s.chart, s.dir, values_file, plan.kube_version);
    ExecOptions o;
    o.timeout = options.render_timeout;
    o.own_process_group = true;
    o.cwd = s.dir;
    log::debug(1, "[" + s.id + "] " + argv_to_display(argv));
    ExecResult r = run(argv, o);
    if (!r.ok()) throw helm_failed(s.id, *s.chart, r, options.render_timeout);
    return std::move(r.out);
  }

  std::string render_text(const Stage& s, const Json& values) const {
    if (!s.chart) return run_kustomize(s, s.dir);
    TempDir tmp("lo-bootstrap-");
    std::string chart = render_chart(s, values, tmp);
    if (!s.has_kustomization) return chart;
    fs::path copy = tmp.path() / "addon";
    std::error_code ec;
    fs::copy(s.dir, copy, fs::copy_options::recursive, ec);
    if (ec) throw Error("stage " + s.id + ": cannot copy " + plan.ws.show(s.dir) + " to render it: " + ec.message());
    bool has_chart = chart.find_first_not_of(" \t\r\n") != std::string::npos;
    if (has_chart) write_file_atomic(copy / kChartOutput, chart);
    auto kfile = find_kustomization_file(copy);
    write_file_atomic(*kfile, wrap_kustomization(*kfile, plan.ws.show(s.dir / kfile->filename()), has_chart));
    return run_kustomize(s, copy);
  }

  // The objects of `text`; `retyped` tells whether stringify_string_fields
  // changed any of them.
  std::vector<deploy::Manifest> parse(const Stage& s, const std::string& text, const fs::path& file,
                                      bool* retyped = nullptr) const {
    std::string shown = plan.ws.show(file);
    std::vector<Json> docs = parse_yaml_documents(text, shown);
    std::vector<deploy::Manifest> out;
    Diagnostics d;
    for (size_t i = 0; i < docs.size(); ++i) {
      Json& o = docs[i];
      if (o.is_null()) continue;
      std::string source = shown + ", document " + std::to_string(i + 1);
      if (!o.is_object() || !o.contains("kind") || !o.contains("apiVersion") || !o.contains("metadata") ||
          !o["metadata"].is_object() || o["metadata"].value("name", "").empty()) {
        d.error(Location{source}, "is not a Kubernetes object (apiVersion, kind and metadata.name are required)");
        continue;
      }
      if (stringify_string_fields(o) && retyped) *retyped = true;
      out.push_back(deploy::Manifest{std::move(o), source});
    }
    d.throw_if_errors();
    if (out.empty())
      throw Error("stage " + s.id + ": " + plan.ws.show(s.dir) + " rendered no objects",
                  "check its values (kubectl lo bootstrap --values " + s.id + ") and its kustomization");
    return out;
  }
};

Renderer::Renderer(const Plan& plan, const build::BuildVariables& vars, const Options& options)
    : impl_(new Impl{plan, vars, options, build::find_kustomize(), find_helm(), {}, {}, {}}) {
  if (impl_->helm) impl_->helm_identity = build::program_identity(*impl_->helm);
  impl_->out_root = plan.domain.ref.dir / "artifacts" / ".bootstrap";
  impl_->cache_dir = impl_->out_root / ".cache";
}

Renderer::~Renderer() = default;

Rendered Renderer::render(const Stage& s) const {
  const Impl& m = *impl_;
  Rendered r;
  Json values = s.chart ? merged_values(m.plan, s) : Json::object();
  std::string key = m.key(s, values);
  fs::path out_dir = m.out_root / s.id, stamp_file = m.cache_dir / (s.id + ".json");
  r.file = out_dir / (s.id + ".yaml");

  // What the render reads: every file of a chart addon (it is copied whole),
  // else the kustomization tree.
  build::Inputs in = build::collect_inputs(s.dir);
  if (s.chart) {
    all_files(s.dir, in.files);
    if (s.chart->local() && !(s.dir / s.chart->chart).lexically_normal().string().starts_with(s.dir.string()))
      all_files((s.dir / s.chart->chart).lexically_normal(), in.files);
    std::sort(in.files.begin(), in.files.end());
    in.files.erase(std::unique(in.files.begin(), in.files.end()), in.files.end());
  }
  std::optional<build::Stamp> old = build::load_stamp(stamp_file);
  if (in.volatile_build) r.why = "always rendered: " + join(in.reasons);
  else if (m.options.force) r.why = "--force";
  else if (!old) r.why = "not rendered before";
  else {
    build::Check chk = build::check_stamp(*old, key, in.files, m.variables(s, m.vars.recorded_in(old->vars)), out_dir);
    std::error_code ec;
    if (chk.up_to_date && fs::is_regular_file(r.file, ec)) {
      std::string text = read_file(r.file);
      if (build::sha256_hex(text) == old->output_sha) {
        r.cached = true;
        r.objects = m.parse(s, text, r.file);
        r.text = std::move(text);
        return r;
      }
    }
    r.why = chk.up_to_date ? "the rendered file changed" : chk.reason;
    if (old->key != key) r.why = "its chart, merged values, env:, kind, provider or Kubernetes version, or lo, kustomize or helm changed";
  }

  std::vector<build::FileState> snapshot = build::snapshot_inputs(in.files, old ? &*old : nullptr);
  std::string raw = m.render_text(s, values);
  std::set<std::string> referenced;
  build::VarMap vars = m.variables(s, m.vars.mentioned_in(raw));
  r.text = build::envsubst(raw, vars, &referenced);
  bool retyped = false;
  r.objects = m.parse(s, r.text, r.file, &retyped);
  if (retyped) {
    r.text.clear();
    for (const auto& o : r.objects) r.text += (r.text.empty() ? "" : "---\n") + json_to_yaml(o.object);
  }

  // Keeping the output (and its stamp) is the render step of the run; a
  // dry run renders the same text and keeps nothing (run.cpp).
  std::string name = s.id + ".yaml";
  bool volatile_build = in.volatile_build;
  build::Stamp stamp;
  stamp.key = key;
  stamp.resources = r.objects.size();
  stamp.inputs = std::move(snapshot);
  stamp.vars = build::referenced_values(referenced, vars);
  stamp.output_sha = build::sha256_hex(r.text.back() == '\n' ? r.text : r.text + "\n");
  fs::path cache_dir = m.cache_dir;
  r.save = [out_dir, name, text = r.text, volatile_build, stamp_file, cache_dir, stamp]() mutable {
    build::write_folder(out_dir, {build::OutFile{name, text}}, false);
    std::error_code ec;
    if (volatile_build) {
      fs::remove(stamp_file, ec);
      return;
    }
    stamp.outputs.push_back(build::stat_file(out_dir / name));
    stamp.outputs.push_back(build::stat_file(out_dir / "kustomization.yaml"));
    for (auto& o : stamp.outputs) o.path = fs::path(o.path).filename().string();
    fs::create_directories(cache_dir, ec);
    build::save_stamp(stamp_file, stamp);
  };
  return r;
}

}  // namespace lo::bootstrap
