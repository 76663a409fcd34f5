// kubectl lo bootstrap: plan every stage, render every stage, then apply
// them (in order, or by dependsOn) through the deploy engine. Nothing is
// applied unless every stage planned and rendered; a failing stage stops
// the stages that come after it (all of them in a list, its dependents in a
// graph) and the error names it, its objects and the reason, and the stages
// not applied. The keeping of a render, each apply and each wait are steps
// of lo's Runner (lo/runner.hpp): --dry-run goes through the same code and
// prints them (LO_STEP_LOG records both), so the plan is the run's list.
#include <iostream>
#include <mutex>
#include <optional>

#include "bootstrap.hpp"
#include "helm.hpp"
#include "kubectl-lo-build/api_vars.hpp"
#include "kubectl-lo-deploy/deploy.hpp"
#include "lo/domain_cluster.hpp"
#include "lo/duration.hpp"
#include "lo/kube_client.hpp"
#include "lo/log.hpp"
#include "lo/parallel.hpp"
#include "lo/readiness.hpp"
#include "lo/runner.hpp"
#include "lo/spec_env.hpp"
#include "lo/yaml_json.hpp"
#include "render.hpp"
#include "schedule.hpp"

extern char** environ;

namespace lo::bootstrap {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;
constexpr const char* kPrefix = "kubectl lo bootstrap";

// --values ENTRY: the entry of the spec that goes by that name (or is
// written so), alone; else the named addon as a bare entry.
int print_values(const Workspace& ws, LoadedDomain domain, const std::string& name) {
  EffectiveSpec eff = effective_spec(domain.spec);
  std::optional<BootstrapEntry> picked;
  if (eff.spec.bootstrap)
    for (const auto& e : *eff.spec.bootstrap)
      if (!picked && (e.id() == name || e.name == name)) picked = e;
  if (!picked) {
    picked = BootstrapEntry{};
    picked->name = name;
  }
  picked->dependsOn.reset();
  domain.spec.bootstrap = std::vector<BootstrapEntry>{*picked};
  Plan plan = make_plan(ws, domain);
  const Stage& s = plan.stages.front();
  if (!s.chart)
    throw Error("'" + name + "' (" + ws.show(s.dir) + ") is not a chart addon: it has no Helm values",
                "only addons with a chart.yaml take values");
  Json v = merged_values(plan, s);
  std::cout << (v.empty() ? std::string("{}\n") : json_to_yaml(v));
  return kExitOk;
}

// Checks that need neither rendering nor the cluster: helm for the charts,
// the variables the secrets need.
void preflight(const Plan& plan) {
  Diagnostics d;
  bool helm = find_helm().has_value();
  for (const auto& s : plan.stages) {
    if (s.chart && !helm) {
      Error e = helm_missing(s.id);
      d.error(Location{plan.domain.spec.file, s.where(), s.entry.line}, e.problems().front().what, e.problems().front().hint);
    }
    for (const auto& m : missing_secret_variables(s.secrets))
      d.error(Location{plan.domain.spec.file, s.where(), s.entry.line}, "stage " + s.id + " needs " + m + ", which is not set",
              "export it before running lo (its value is never written or printed)");
  }
  d.throw_if_errors();
}

std::vector<Rendered> render_all(const Plan& plan, const Renderer& renderer, unsigned parallel) {
  const size_t n = plan.stages.size();
  std::vector<Rendered> out(n);
  std::vector<std::optional<Error>> errors(n);
  parallel_for(n, parallel, [&](size_t i) {
    try {
      out[i] = renderer.render(plan.stages[i]);
      if (out[i].cached) log::debug(1, "[" + plan.stages[i].id + "] rendered output is current (cache)");
      else log::debug(1, "[" + plan.stages[i].id + "] rendered (" + out[i].why + ")");
    } catch (const Error& e) {
      errors[i] = e;
    }
  });
  std::vector<Problem> problems;
  for (const auto& e : errors)
    if (e) problems.insert(problems.end(), e->problems().begin(), e->problems().end());
  if (!problems.empty()) {
    problems.push_back(Problem{Severity::Error, {}, "bootstrap of " + plan.domain.ref.name + ": nothing was applied", {}});
    throw Error(std::move(problems));
  }
  return out;
}

// The rendered stages, after the plan's steps (a dry run).
void print_rendered(const Plan& plan, const std::vector<Rendered>& rendered) {
  for (size_t i = 0; i < plan.stages.size(); ++i) {
    const Stage& s = plan.stages[i];
    std::cout << "---\n# stage " << i + 1 << "/" << plan.stages.size() << ": " << s.id << " (" << rendered[i].objects.size()
              << " objects, " << (rendered[i].cached ? "rendered before, unchanged" : "rendered now") << ")\n";
    for (const auto& sec : s.secrets) std::cout << "# " << describe_secret(sec) << "\n";
    std::cout << rendered[i].text;
    if (!rendered[i].text.empty() && rendered[i].text.back() != '\n') std::cout << "\n";
  }
}

// "render: bootstrap stage cni to clusters/d/artifacts/.bootstrap/cni/cni.yaml
// (kustomize build .lok8s/addons/cni; not rendered before)"
std::string render_target(const Plan& plan, const Stage& s, const Rendered& r) {
  std::string how = s.chart ? "helm template " + s.chart->release + " " + s.chart->describe() +
                                  (s.has_kustomization ? ", then kustomize build" : "")
                            : "kustomize build " + plan.ws.show(s.dir);
  return "bootstrap stage " + s.id + " to " + plan.ws.show(r.file) + " (" + how + "; " + r.why + ")";
}

// The objects of a stage the run waits for (as the deploy engine picks them).
std::vector<std::string> workloads_of(const std::vector<deploy::Manifest>& objects) {
  std::vector<std::string> out;
  for (const auto& m : objects) {
    const Json& o = m.object;
    std::string api = o.value("apiVersion", ""), kind = o.value("kind", "");
    auto slash = api.find('/');
    std::string group = slash == std::string::npos ? "" : api.substr(0, slash);
    if (kind == "CustomResourceDefinition" || !has_health_rule(group, kind)) continue;
    const Json& md = o.contains("metadata") ? o["metadata"] : Json::object();
    std::string ns = md.value("namespace", "");
    out.push_back(kind + " " + (ns.empty() ? "" : ns + "/") + md.value("name", ""));
  }
  return out;
}

std::string outcome_text(const deploy::TargetOutcome& t, bool waited) {
  std::string s = std::to_string(t.objects) + " objects (" + std::to_string(t.created) + " created, " +
                  std::to_string(t.configured) + " configured, " + std::to_string(t.unchanged) + " unchanged)";
  if (t.workloads) s += ", " + std::to_string(t.workloads) + (waited ? " workloads ready" : " workloads not waited for");
  return s;
}

// The stages as steps, for the run and its plan alike: each stage's render
// (when its cached output is not current), then, in order or by dependsOn,
// its apply and its wait. A dry run goes through the same code without
// touching the cluster; it walks the graph one stage at a time, as a run
// with --parallel 1 would (with more, independent stages may interleave).
int apply_all(const Plan& plan, const Options& o, const KubeconfigChoice& kc, const std::vector<Rendered>& rendered,
              Clock::time_point t0) {
  const bool dry = o.dry_run || o.plan_only;
  Runner runner(dry);
  std::mutex mu;
  // The action runs outside the lock (stages run in parallel); its step is
  // recorded when it is done. A dry run records only.
  auto step = [&](const std::string& verb, const std::string& target, const std::function<void()>& action) {
    if (!runner.dry_run()) action();
    std::lock_guard<std::mutex> g(mu);
    runner.step(verb, target, [] {});
  };
  if (dry)
    for (const auto& l : plan_lines(plan)) std::cout << "# " << (l[0] == 'b' ? l : "  " + l) << "\n";
  const size_t n = plan.stages.size();
  for (size_t i = 0; i < n; ++i)
    if (!rendered[i].cached) step("render", render_target(plan, plan.stages[i], rendered[i]), rendered[i].save);

  deploy::ClusterChoice cluster;
  std::optional<KubeClient> client;
  deploy::Progress progress(true);
  std::vector<std::string> ids;
  for (const auto& s : plan.stages) ids.push_back(s.id);
  if (!dry) {
    cluster.config = load_kubeconfig(kc.request);
    cluster.source = kc.describe(plan.ws, cluster.config.files);
    cluster.default_namespace = cluster.config.namespace_;
    client.emplace(cluster.config);
    client->credentials().get();
    progress.note("bootstrapping " + plan.domain.ref.name + ": " + std::to_string(n) + (n == 1 ? " stage" : " stages") + " (" +
                  join(ids) + ")" + (plan.by_depends_on ? " by dependsOn" : ", in order") + " to " +
                  cluster.config.cluster.server + " from " + cluster.source);
  }

  std::vector<std::vector<size_t>> parents;
  for (const auto& s : plan.stages) parents.push_back(s.parents);
  auto results = run_graph(parents, plan.by_depends_on && !dry ? o.parallel : 1, [&](size_t i) {
    const Stage& s = plan.stages[i];
    auto start = Clock::now();
    std::string at = "bootstrap stage " + s.id + " (" + std::to_string(i + 1) + "/" + std::to_string(n) + ")";
    std::vector<std::string> after;
    if (plan.by_depends_on)
      for (size_t p : s.parents) after.push_back(ids[p]);
    std::vector<std::string> workloads = workloads_of(rendered[i].objects);
    size_t count = rendered[i].objects.size() + s.secrets.size();
    std::string target = at + ": " + std::to_string(count) + (count == 1 ? " object" : " objects");
    if (!after.empty()) target += ", after " + join(after);
    if (!s.wait && !workloads.empty()) target += "; not waited for (wait: false): " + join(workloads);
    deploy::TargetOutcome outcome;
    // apply_stage applies and waits in one (its webhook retries span both):
    // the wait step is recorded once it is over.
    step("apply", target, [&] {
      std::vector<deploy::Manifest> objects = rendered[i].objects;
      for (auto& sec : secret_objects(s.secrets, s.id))
        objects.push_back(deploy::Manifest{std::move(sec), plan.ws.show(s.dir / "secrets.lok8s.yaml")});
      progress.note("[" + s.id + "] stage " + std::to_string(i + 1) + "/" + std::to_string(n) + ": applying " +
                    std::to_string(objects.size()) + " objects");
      deploy::StageOptions so;
      so.timeout = o.timeout;
      so.wait = s.wait;
      outcome = deploy::apply_stage(*client, cluster, s.id, objects, so, progress);
    });
    if (s.wait && !workloads.empty()) step("wait", at + " until healthy: " + join(workloads), [] {});
    if (!dry)
      progress.note("[" + s.id + "] stage done: " + outcome_text(outcome, s.wait) + " in " + format_seconds(Clock::now() - start));
  });
  if (dry) {
    if (!o.plan_only) print_rendered(plan, rendered);
    return kExitOk;
  }

  std::vector<std::string> done, failed, skipped;
  std::vector<Problem> problems;
  for (size_t i = 0; i < n; ++i) {
    const auto& r = results[i];
    if (r.state == StageState::Done) done.push_back(ids[i]);
    else if (r.state == StageState::Failed) {
      failed.push_back(ids[i]);
      problems.insert(problems.end(), r.problems.begin(), r.problems.end());
    } else {
      skipped.push_back(ids[i] + (r.state == StageState::Skipped ? " (after " + ids[r.cause] + " failed)" : ""));
    }
  }
  if (failed.empty()) {
    progress.note("bootstrapped " + plan.domain.ref.name + ": " + std::to_string(n) + (n == 1 ? " stage" : " stages") +
                  " applied and healthy in " + format_seconds(Clock::now() - t0));
    return kExitOk;
  }
  std::string what = "bootstrap of " + plan.domain.ref.name + " failed at stage " + join(failed);
  what += skipped.empty() ? "; every other stage was applied" : "; not applied: " + join(skipped);
  if (!done.empty()) what += "; applied: " + join(done);
  std::vector<std::string> again = failed;
  for (size_t i = 0; i < n; ++i)
    if (results[i].state != StageState::Done && results[i].state != StageState::Failed) again.push_back(ids[i]);
  problems.push_back(Problem{Severity::Error, {}, what,
                             "fix it, then run 'kubectl lo bootstrap " + plan.domain.ref.name + " " + join(again, " ") +
                                 "' (applying a stage again changes nothing that is already right)"});
  throw Error(std::move(problems));
}

}  // namespace

int run(const Options& o) {
  auto t0 = Clock::now();
  Workspace ws = find_workspace(o.root);
  DomainChoice choice = choose_domain(ws, o.domain, o.positionals, true);
  LoadedDomain domain = load_domain(ws, choice.domain);
  for (const auto& w : domain.spec.warnings) log::problem(kPrefix, w);
  if (o.values_of) return print_values(ws, domain, *o.values_of);
  Plan plan = make_plan(ws, domain, choice.rest);
  if (plan.stages.empty()) {  // (a comment in the plan of provision/up, as their bootstrap part is)
    for (const auto& l : plan_lines(plan)) std::cout << (o.plan_only ? "# " : "") << l << "\n";
    return kExitOk;
  }
  preflight(plan);
  KubeconfigChoice kc = choose_kubeconfig(ws, domain, o.kubeconfig, o.context);
  if (kc.source.empty() && !o.dry_run && !o.plan_only)
    throw Error("no kubeconfig for " + domain.ref.name + " (" + ws.show(ws.kubeconfig_dir() / (domain.spec.name.value_or("?") + ".yaml")) +
                    " does not exist)",
                "provision the cluster first (kubectl lo provision " + domain.ref.name +
                    "), or name its kubeconfig with --kubeconfig/--context; lo never bootstraps $KUBECONFIG's cluster by guess");
  build::BuildVariables vars(build::substitution_variables(spec_variables(plan.eff), environ), ws, kc);
  Renderer renderer(plan, vars, o);
  std::vector<Rendered> rendered = render_all(plan, renderer, o.parallel);
  return apply_all(plan, o, kc, rendered, t0);
}

}  // namespace lo::bootstrap
