#include "kubectl-lo-build/build.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "kubectl-lo-build/api_vars.hpp"
#include "kubectl-lo-build/cache.hpp"
#include "kubectl-lo-build/envsubst.hpp"
#include "kubectl-lo-build/folder.hpp"
#include "kubectl-lo-build/hash.hpp"
#include "kubectl-lo-build/inputs.hpp"
#include "kubectl-lo-build/interrupt.hpp"
#include "kubectl-lo-build/kustomize.hpp"
#include "kubectl-lo-build/report.hpp"
#include "kubectl-lo-build/split.hpp"
#include "lo/domain_cluster.hpp"
#include "lo/error.hpp"
#include "lo/fs.hpp"
#include "lo/log.hpp"
#include "lo/parallel.hpp"
#include "lo/spec_env.hpp"
#include "lo/version.hpp"
#include "lo/workspace.hpp"

extern char** environ;

namespace lo::build {
namespace fs = std::filesystem;
namespace {

constexpr const char* kPrefix = "kubectl lo build";
constexpr const char* kArtifactsFile = "artifacts.yaml";

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Everything the workers share; read-only while they run.
struct Context {
  Workspace ws;
  DomainRef domain;
  fs::path targets_dir, artifacts_dir, cache_dir;
  Kustomize kustomize;
  EnvOverrides child_env;
  std::optional<BuildVariables> vars;
  std::string key;  // cache key of this lo, kustomize and mode
  bool split = false, to_stdout = false, force = false;
  Progress* progress = nullptr;
};

// One file per document of `text`, named by split_file_names.
std::vector<OutFile> split_outputs(std::string_view text, const std::vector<DocInfo>& docs) {
  std::vector<std::string> names = split_file_names(docs);
  std::vector<OutFile> files;
  files.reserve(docs.size());
  for (size_t i = 0; i < docs.size(); ++i)
    files.push_back({std::move(names[i]), text.substr(docs[i].begin, docs[i].end - docs[i].begin)});
  return files;
}

TargetResult build_one(const Context& c, const std::string& name) {
  auto t0 = Clock::now();
  TargetResult r;
  r.name = name;
  fs::path tdir = c.targets_dir / name, adir = c.artifacts_dir / name;
  fs::path stamp_file = c.cache_dir / (name + ".json");
  try {
    Inputs in = collect_inputs(tdir);
    std::optional<Stamp> old = load_stamp(stamp_file);
    if (in.volatile_build) {
      r.why = "always rebuilt: " + join(in.reasons);
    } else if (c.force) {
      r.why = "--force";
    } else if (!old) {
      r.why = "no earlier build";
    } else {
      Check chk = check_stamp(*old, c.key, in.files, c.vars->get(c.vars->recorded_in(old->vars)), adir);
      if (chk.up_to_date && c.to_stdout) {
        // Tilt asks for the YAML on every save: serve the artifact when it is
        // current and still the exact bytes the stamp recorded.
        std::error_code ec;
        if (!old->output_sha.empty() && fs::is_regular_file(adir / kArtifactsFile, ec)) {
          std::string text = read_file(adir / kArtifactsFile);
          if (sha256_hex(text) == old->output_sha) {
            r.status = Status::Unchanged;
            r.resources = old->resources;
            r.yaml = std::move(text);
            r.seconds = since(t0);
            return r;
          }
        }
        chk.up_to_date = false;
        chk.reason = "artifact not readable";
      }
      if (chk.up_to_date) {
        if (chk.stats_moved && !c.to_stdout) {
          old->inputs = std::move(chk.inputs);
          save_stamp(stamp_file, *old);
        }
        r.status = Status::Unchanged;
        r.resources = old->resources;
        r.seconds = since(t0);
        return r;
      }
      r.why = chk.reason;
    }
    if (g_interrupt.load()) return r;

    std::vector<FileState> snapshot = snapshot_inputs(in.files, old ? &*old : nullptr);
    if (c.progress) c.progress->started(name);
    EnvOverrides env = c.child_env;
    if (in.volatile_build) {
      // Its plugins may read the API endpoint from the environment, as they
      // could upstream. A broken kubeconfig fails only targets whose output
      // uses the variables (below), not every target with a plugin.
      try {
        const VarMap& all = c.vars->get(true);
        for (std::string_view n : {kApiHost, kApiPort})
          if (auto it = all.find(std::string(n)); it != all.end()) env[it->first] = it->second;
      } catch (const Error&) {
      }
    }
    ExecResult res = run_kustomize(c.kustomize, tdir, env);
    if (g_interrupt.load()) return r;  // Interrupted: nothing written
    if (!res.ok()) {
      r.status = Status::Failed;
      r.error = kustomize_error(c.kustomize, res);
      r.seconds = since(t0);
      return r;
    }
    std::set<std::string> referenced;
    const VarMap& vars = c.vars->get(c.vars->mentioned_in(res.out));
    std::string text = envsubst(res.out, vars, &referenced);
    res.out.clear();
    res.out.shrink_to_fit();
    if (c.to_stdout) {
      r.resources = count_documents(text);
      r.yaml = std::move(text);
      r.status = Status::Built;
      r.seconds = since(t0);
      return r;
    }

    Stamp stamp;
    std::vector<OutFile> files;
    std::vector<DocInfo> docs;
    if (c.split) {
      docs = scan_documents(text, c.kustomize.display + " output of target " + name);
      files = split_outputs(text, docs);
      stamp.resources = docs.size();
    } else {
      files.push_back({kArtifactsFile, text});
      stamp.resources = count_documents(text);
      stamp.output_sha = sha256_hex(text);
    }
    try {
      write_folder(adir, files, false, &g_interrupt);
    } catch (const Error&) {
      if (g_interrupt.load()) return r;
      throw;
    }
    stamp.key = c.key;
    stamp.inputs = std::move(snapshot);
    stamp.vars = referenced_values(referenced, vars);
    for (const auto& f : files) stamp.outputs.push_back(stat_file(adir / f.name));
    stamp.outputs.push_back(stat_file(adir / "kustomization.yaml"));
    for (auto& o : stamp.outputs) o.path = fs::path(o.path).filename().string();
    std::error_code ec;
    if (in.volatile_build) fs::remove(stamp_file, ec);
    else save_stamp(stamp_file, stamp);
    r.status = Status::Built;
    r.resources = stamp.resources;
  } catch (const Error& e) {
    r.status = Status::Failed;
    std::string msg;
    for (const auto& p : e.problems()) msg += (msg.empty() ? "" : "\n") + format_problem(p);
    r.error = msg;
  } catch (const std::exception& e) {
    r.status = Status::Failed;
    r.error = std::string("internal error: ") + e.what();
  }
  r.seconds = since(t0);
  return r;
}

// artifacts/kustomization.yaml: every current target that has artifacts.
void write_domain_listing(const Context& c, const std::vector<std::string>& all_targets) {
  std::vector<std::string> listed;
  std::error_code ec;
  for (const auto& t : all_targets)
    if (fs::is_regular_file(c.artifacts_dir / t / "kustomization.yaml", ec)) listed.push_back(t);
  replace_file_if_changed(c.artifacts_dir / "kustomization.yaml", owned_kustomization(listed));
}

// A full build removes what lo wrote for targets that are gone.
void remove_stale_targets(const Context& c, const std::vector<std::string>& all_targets) {
  std::error_code ec;
  std::set<std::string> current(all_targets.begin(), all_targets.end());
  std::vector<fs::path> doomed;
  for (const auto& e : fs::directory_iterator(c.artifacts_dir, ec)) {
    std::string n = e.path().filename().string();
    if (n.empty() || n[0] == '.' || current.count(n) || !e.is_directory(ec)) continue;
    if (fs::is_regular_file(e.path() / "kustomization.yaml", ec) && folder_is_owned(e.path())) doomed.push_back(e.path());
  }
  for (const auto& d : doomed) {
    fs::remove_all(d, ec);
    fs::remove(c.cache_dir / (d.filename().string() + ".json"), ec);
    log::note("removed " + c.ws.show(d) + ": target " + d.filename().string() + " no longer exists");
  }
  for (const auto& e : fs::directory_iterator(c.cache_dir, ec)) {
    fs::path p = e.path();
    if (p.extension() == ".json" && !current.count(p.stem().string())) fs::remove(p, ec);
  }
}

void print_failures(const std::vector<TargetResult>& results) {
  for (const auto& r : results) {
    if (r.status != Status::Failed) continue;
    std::string msg = r.error;
    for (size_t pos = 0; (pos = msg.find('\n', pos)) != std::string::npos; pos += 3) msg.replace(pos, 1, "\n  ");
    log::problem(kPrefix, Problem{Severity::Error, {}, "target " + r.name + " failed:\n  " + msg, {}});
  }
}

}  // namespace

int run_build(const BuildOptions& o) {
  auto t0 = Clock::now();
  Context c;
  c.ws = find_workspace(o.root);
  DomainChoice choice = choose_domain(c.ws, o.domain, o.positionals, true);
  const std::string& domain = choice.domain;
  const std::vector<std::string>& asked = choice.rest;
  c.domain = require_domain(c.ws, domain);
  c.targets_dir = c.domain.dir / "targets";
  c.artifacts_dir = c.domain.dir / "artifacts";
  c.cache_dir = c.artifacts_dir / ".cache";
  c.split = o.split;
  c.to_stdout = o.to_stdout;
  c.force = o.force;
  std::error_code ec;
  if (!fs::is_directory(c.targets_dir, ec))
    throw Error(Location{c.ws.show(c.targets_dir)}, "domain " + domain + " has no targets folder",
                "create " + c.ws.show(c.targets_dir) + "/<target>/kustomization.yaml");
  std::vector<std::string> all_targets = list_targets(c.ws, domain);
  std::vector<std::string> targets =
      asked.empty() ? all_targets
                    : select_targets(domain, all_targets, asked,
                                     "this domain has no targets yet: create " +
                                         c.ws.show(c.targets_dir / asked.front()) + "/kustomization.yaml");
  if (targets.empty()) {
    log::warning(kPrefix, "no targets in " + c.ws.show(c.targets_dir),
                 "a target is a folder with a kustomization.yaml under " + c.ws.show(c.targets_dir));
    if (o.json) std::cout << summary_json(domain, {}, since(t0)).dump(2) << "\n";
    return kExitOk;
  }

  LoadedDomain loaded = load_domain(c.ws, domain);
  std::optional<LoadedDomain> cluster = load_cluster_ref(c.ws, loaded);
  KubeconfigChoice kubeconfig = choose_kubeconfig(c.ws, cluster ? *cluster : loaded, o.kubeconfig, o.context);
  if (kubeconfig.request.path) find_kubeconfig_files(kubeconfig.request);  // a --kubeconfig that does not exist
  c.vars.emplace(substitution_variables(domain_spec_variables(loaded, cluster), environ), c.ws, std::move(kubeconfig));
  c.kustomize = find_kustomize();
  c.kustomize.timeout = o.timeout;
  unsigned jobs = o.jobs ? o.jobs : static_cast<unsigned>(cores());
  unsigned parallel = std::min<unsigned>(jobs, static_cast<unsigned>(targets.size()));
  c.child_env = go_tuning(parallel);
  for (const auto& [k, v] : c.vars->base())
    if (k.rfind("LOK8S_SPEC_", 0) == 0) c.child_env[k] = v;
  if (fs::is_directory(c.domain.dir / "secrets", ec)) c.child_env["PATH_SECRETS"] = (c.domain.dir / "secrets").string();
  c.key = Sha256()
              .field("lo-build-cache")
              .field(std::to_string(kStampVersion))
              .field(kVersion)
              .field(c.kustomize.identity)
              .field(o.split ? "split" : "plain")
              .hex();

  Progress progress(o.json || o.to_stdout, o.verbosity > 0, domain, targets);
  c.progress = &progress;
  install_interrupt_handlers();

  std::vector<TargetResult> results(targets.size());
  parallel_for(targets.size(), parallel, [&](size_t i) {
    if (g_interrupt.load()) {
      results[i].name = targets[i];
      return;
    }
    results[i] = build_one(c, targets[i]);
    progress.finished(results[i]);
  });
  progress.clear();

  if (int sig = g_interrupt.load()) {
    Totals t = count(results);
    log::note(std::string(kPrefix) + ": interrupted; " + std::to_string(t.interrupted) +
              " target(s) left as they were, nothing half-written");
    return 128 + sig;
  }
  if (!o.to_stdout) {
    write_domain_listing(c, all_targets);
    if (asked.empty()) remove_stale_targets(c, all_targets);
  }

  Totals totals = count(results);
  if (o.to_stdout) {
    bool first = true;
    for (const auto& r : results) {
      if (r.status == Status::Failed || r.yaml.empty()) continue;
      if (!first && r.yaml.compare(0, 4, "---\n") != 0) std::cout << "---\n";
      std::cout << r.yaml;
      if (r.yaml.back() != '\n') std::cout << "\n";
      first = false;
    }
    std::cout.flush();
  } else if (o.json) {
    std::cout << summary_json(domain, results, since(t0)).dump(2) << "\n";
  } else {
    log::note(summary_line(domain, results, since(t0)), {{"domain", domain}});
  }
  print_failures(results);
  return totals.failed ? kExitFailure : kExitOk;
}

int run_split_file(const SplitFileOptions& o) {
  auto t0 = Clock::now();
  std::string text;
  std::string shown = o.file == "-" ? "<stdin>" : o.file;
  if (o.file == "-") {
    std::string chunk(1 << 16, '\0');
    for (ssize_t n; (n = ::read(0, chunk.data(), chunk.size())) != 0;) {
      if (n < 0) {
        if (errno == EINTR) continue;
        throw Error("cannot read standard input: " + std::string(std::strerror(errno)));
      }
      text.append(chunk.data(), static_cast<size_t>(n));
    }
  } else {
    text = read_file(o.file);
  }
  install_interrupt_handlers();
  // Each document is written while the ones after it are read; names that
  // clash are known only at the end, when finish() renames those files.
  FolderWriter out(o.out, true, &g_interrupt);
  std::string_view all = text;
  std::vector<DocInfo> docs = scan_documents(all, shown, ScanMode::Fast, [&](const DocInfo& d) {
    out.add(base_file_name(d), all.substr(d.begin, d.end - d.begin));
  });
  std::vector<std::string> names = split_file_names(docs);
  size_t removed = out.finish(names);
  if (o.json) {
    Json j = {{"file", shown}, {"out", o.out}, {"files", names}, {"removed", removed}, {"seconds", since(t0)}};
    std::cout << j.dump(2) << "\n";
  } else {
    size_t parsed = std::count_if(docs.begin(), docs.end(), [](const DocInfo& d) { return d.parsed; });
    std::string line = "split " + shown + ": " + std::to_string(docs.size()) + " objects into " + o.out;
    if (removed) line += ", removed " + std::to_string(removed) + " stale file(s)";
    if (parsed && log::verbosity() > 0) line += " (" + std::to_string(parsed) + " needed the full YAML parser)";
    log::note(line);
  }
  return kExitOk;
}

}  // namespace lo::build
