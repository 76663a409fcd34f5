// What to deploy, worked out before any network traffic: the domain, its
// targets, their artifacts and the --filter selection. Every mistake here is
// reported before anything is applied.
#include <algorithm>
#include <set>

#include "deploy.hpp"
#include "lo/domain_cluster.hpp"
#include "lo/fs.hpp"
#include "lo/kustomization.hpp"
#include "lo/log.hpp"
#include "lo/yaml_json.hpp"

namespace lo::deploy {
namespace fs = std::filesystem;

namespace {

// A label name (the part after a prefix) or a label value: at most 63
// characters of [A-Za-z0-9-_.], beginning and ending with a letter or digit.
bool label_word(const std::string& s) {
  if (s.empty() || s.size() > 63) return false;
  if (!std::isalnum(static_cast<unsigned char>(s.front())) || !std::isalnum(static_cast<unsigned char>(s.back())))
    return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_' || c == '.'; });
}

bool has_spec(const Workspace& ws, const std::string& name) {
  try {
    return find_domain(ws, name).has_value();
  } catch (const Error&) {
    return false;  // not even a valid domain name: a target then
  }
}

// The files holding a target's artifacts: artifacts.yaml, or the files a
// --split build listed in the target's kustomization.yaml (the newer wins
// when both exist).
std::vector<fs::path> artifact_files(const Workspace& ws, const std::string& domain, const std::string& target) {
  fs::path dir = ws.domain_dir(domain) / "artifacts" / target;
  fs::path single = dir / "artifacts.yaml";
  auto kfile = find_kustomization_file(dir);
  std::error_code ec;
  bool have_single = fs::is_regular_file(single, ec);
  if (have_single && (!kfile || fs::last_write_time(single, ec) >= fs::last_write_time(*kfile, ec))) return {single};
  if (!kfile) return {};
  Kustomization k = read_kustomization(dir, ws.show(dir));
  std::vector<fs::path> files;
  for (const auto& ref : k.local) {
    if (ref.field.rfind("resources[", 0) != 0) continue;
    fs::path p = ref.path.lexically_normal();
    auto rel = p.lexically_relative(dir);
    if (rel.empty() || *rel.begin() == "..")
      throw Error(Location{ws.show(*kfile), ref.field, ref.line}, "'" + ref.value + "' lies outside the artifacts folder",
                  "a split target lists its own files; run kubectl lo build --split again");
    if (!fs::is_regular_file(p, ec))
      throw Error(Location{ws.show(*kfile), ref.field, ref.line}, "'" + ref.value + "' does not exist",
                  "run kubectl lo build " + domain + " " + target + " again");
    files.push_back(p);
  }
  if (!k.remote.empty())
    throw Error(Location{ws.show(*kfile)}, "lists remote resources (" + k.remote.front() + "), which are not artifacts",
                "artifacts are built output; run kubectl lo build again");
  return files;
}

void add_object(TargetPlan& t, Json obj, const std::string& source) {
  if (!obj.is_object()) throw Error(Location{source}, "is not a Kubernetes object (a YAML map)");
  auto str = [&](const Json& o, const char* k) {
    auto it = o.find(k);
    return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  std::string api = str(obj, "apiVersion"), kind = str(obj, "kind");
  if (api.empty()) throw Error(Location{source, "apiVersion"}, "is missing");
  if (kind.empty()) throw Error(Location{source, "kind"}, "is missing");
  if ((kind == "List" || (kind.size() > 4 && kind.compare(kind.size() - 4, 4, "List") == 0)) && obj.contains("items")) {
    const Json& items = obj["items"];
    if (!items.is_array()) throw Error(Location{source, "items"}, "must be a list");
    for (size_t i = 0; i < items.size(); ++i) add_object(t, items[i], source + ", items[" + std::to_string(i) + "]");
    return;
  }
  const Json meta = obj.contains("metadata") ? obj["metadata"] : Json();
  if (!meta.is_object() || str(meta, "name").empty())
    throw Error(Location{source, "metadata.name"}, "is missing", "every object needs a name (generateName is not supported by apply)");
  t.objects.push_back(Manifest{std::move(obj), source});
}

}  // namespace

bool matches_filters(const Json& obj, const std::vector<LabelFilter>& filters) {
  if (filters.empty()) return true;
  if (!obj.contains("metadata") || !obj["metadata"].is_object()) return false;
  const Json& meta = obj["metadata"];
  auto labels = meta.find("labels");
  if (labels == meta.end() || !labels->is_object()) return false;
  for (const auto& f : filters) {
    auto it = labels->find("lok8s.dev/" + f.key);
    if (it == labels->end() || !it->is_string() || it->get<std::string>() != f.value) return false;
  }
  return true;
}

LabelFilter parse_filter(const std::string& text) {
  auto eq = text.find('=');
  std::string hint = "write --filter KEY=VALUE, e.g. --filter type=system (selects label lok8s.dev/KEY=VALUE); "
                     "KEY and VALUE: up to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
  if (eq == std::string::npos) throw UsageError("invalid --filter '" + text + "': no '='", hint);
  LabelFilter f{text.substr(0, eq), text.substr(eq + 1)};
  if (!label_word(f.key)) throw UsageError("invalid --filter '" + text + "': '" + f.key + "' is not a label name", hint);
  if (!label_word(f.value)) throw UsageError("invalid --filter '" + text + "': '" + f.value + "' is not a label value", hint);
  return f;
}

Plan make_plan(const DeployOptions& o) {
  Workspace ws = find_workspace(o.root);
  std::vector<std::string> words = o.positionals;
  std::optional<std::string> domain_name = o.domain;
  if (!domain_name && !words.empty() && has_spec(ws, words.front())) {
    domain_name = words.front();
    words.erase(words.begin());
  }
  std::string name = resolve_domain_name(ws, domain_name);
  Plan plan{ws, load_domain(ws, name), std::nullopt, o.filters, {}};

  plan.cluster = load_cluster_ref(ws, plan.domain);

  // Targets: the folders of targets/; a domain without sources (artifacts
  // delivered by CI) deploys the folders of artifacts/.
  fs::path ddir = ws.domain_dir(name);
  std::vector<std::string> sources = list_targets(ws, name);
  std::vector<std::string> built = visible_subfolders(ddir / "artifacts");
  std::vector<std::string> known = sources;
  for (const auto& b : built)
    if (std::find(known.begin(), known.end(), b) == known.end()) known.push_back(b);
  std::sort(known.begin(), known.end());
  std::vector<std::string> chosen;
  if (o.delete_targets) {
    // The set of a target stays in the cluster after its folder is gone:
    // any valid name may be deleted.
    if (words.empty())
      throw UsageError("--delete needs the targets to delete", "name them: kubectl lo deploy --delete TARGET...");
    for (const auto& w : words) {
      validate_target_name(w);
      if (std::find(chosen.begin(), chosen.end(), w) == chosen.end()) chosen.push_back(w);
    }
    for (const auto& t : chosen) plan.targets.push_back(TargetPlan{t, {}, {}, {}, 0});
    return plan;
  }
  if (words.empty()) {
    chosen = sources.empty() ? built : sources;
    if (chosen.empty())
      throw Error("domain " + name + " has no targets to deploy",
                  "add clusters/" + name + "/targets/<name>/kustomization.yaml and run kubectl lo build " + name);
  } else {
    chosen = select_targets(name, known, words, "domain " + name + " has no targets");
  }

  std::vector<std::string> unbuilt;
  std::vector<size_t> image_uses(o.images.size(), 0);
  for (const auto& t : chosen) {
    TargetPlan tp;
    tp.name = t;
    tp.files = artifact_files(ws, name, t);
    if (tp.files.empty()) {
      unbuilt.push_back(t);
      continue;
    }
    for (const auto& f : tp.files) {
      std::string shown = ws.show(f);
      std::vector<Json> docs = parse_yaml_documents(read_file(f, 512u << 20), shown);
      for (size_t i = 0; i < docs.size(); ++i) {
        if (!o.images.empty()) set_images(docs[i], o.images, image_uses);
        add_object(tp, std::move(docs[i]), shown + ", document " + std::to_string(i + 1));
      }
    }
    tp.unfiltered = tp.objects.size();
    if (!plan.filters.empty()) {
      std::vector<Manifest> kept;
      for (auto& m : tp.objects)
        (matches_filters(m.object, plan.filters) ? kept : tp.excluded).push_back(std::move(m));
      tp.objects = std::move(kept);
    }
    plan.targets.push_back(std::move(tp));
  }
  for (size_t i = 0; i < o.images.size() && unbuilt.empty(); ++i)
    if (image_uses[i] == 0)
      log::warning("kubectl lo deploy", "--image " + o.images[i].name + "=" + o.images[i].ref + ": no container runs " +
                                            o.images[i].name + " in " + join(chosen));
  if (!unbuilt.empty())
    throw Error("no artifacts for target" + std::string(unbuilt.size() > 1 ? "s " : " ") + join(unbuilt) + " of " + name +
                    " (clusters/" + name + "/artifacts/<target>/artifacts.yaml)",
                "run kubectl lo build " + name + (words.empty() ? "" : " " + join(unbuilt, " ")) + " first");
  return plan;
}

}  // namespace lo::deploy
