#include "drivers/kkp.hpp"

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <iostream>
#include <thread>

#include "drivers/kkp_api.hpp"
#include "lo/duration.hpp"
#include "lo/error.hpp"
#include "lo/fs.hpp"
#include "lo/log.hpp"
#include "lo/runner.hpp"

namespace lo::driver {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

constexpr auto kDefaultTimeout = std::chrono::minutes(15);
constexpr auto kPollFirst = 1s;
constexpr auto kPollMax = 30s;
const std::vector<std::string> kCore = {"apiserver", "etcd", "controller", "scheduler"};

std::string provider_of(const Spec& s) { return s.provider.name.value_or("hetzner"); }
bool byo(const std::string& p) { return p == "bringyourown" || p == "byo"; }

std::string version_of(const Spec& s) {
  if (!s.kubernetesVersion)
    throw Error(Location{s.file, "spec.kubernetes.version", s.line_of("spec.kubernetes")}, "is required for a Kkp cluster",
                "the Kubernetes version KKP should run, like v1.31.4 (one the KKP seed offers)");
  std::string v = *s.kubernetesVersion;
  return !v.empty() && v[0] == 'v' ? v.substr(1) : v;
}

const char* need_env(const EnvLookup& env, const char* name, const std::string& why) {
  const char* v = env(name);
  if (!v || !*v) throw Error(std::string(name) + " is not set", "export " + std::string(name) + ": " + why);
  return v;
}

std::string flavor_of(const WorkerPool& p) { return p.flavor ? *p.flavor : p.type.value_or(""); }

}  // namespace

KkpHealth kkp_health(const Json& health, const std::vector<std::string>& components) {
  KkpHealth h;
  for (const auto& c : components) {
    std::string state = "provisioning";
    if (health.is_object() && health.contains(c)) {
      const Json& v = health[c];
      if ((v.is_number_integer() && v.get<int64_t>() == 1) || (v.is_string() && v.get<std::string>() == "HealthStatusUp"))
        state = "up";
      else if ((v.is_number_integer() && v.get<int64_t>() == 0) || (v.is_string() && v.get<std::string>() == "HealthStatusDown"))
        state = "down";
    }
    if (state == "down") h.down = true;
    if (state != "up") h.waiting.push_back(c + " (" + state + ")");
  }
  return h;
}

bool kkp_runs_osm(const Json& cluster, const Json& health) {
  if (cluster.is_object() && cluster.contains("spec") && cluster["spec"].is_object()) {
    const Json& spec = cluster["spec"];
    if (spec.contains("enableOperatingSystemManager") && spec["enableOperatingSystemManager"].is_boolean())
      return spec["enableOperatingSystemManager"].get<bool>();
  }
  return health.is_object() && health.contains("operatingSystemManager") && !health["operatingSystemManager"].is_null();
}

Json kkp_cluster_body(const Spec& s, const EnvLookup& env) {
  std::string provider = provider_of(s);
  Json cloud = {{"dc", *s.kkp.datacenter}};
  Json cluster = {{"name", *s.name}};
  if (s.kkp.preset) {
    cloud[provider] = Json::object();
    cluster["credential"] = *s.kkp.preset;  // KKP reads the cloud credentials from the preset
  } else if (provider == "hetzner") {
    cloud["hetzner"] = {{"token", need_env(env, "HCLOUD_TOKEN", "the Hetzner Cloud API token KKP makes the machines with")}};
  } else if (provider == "aws") {
    cloud["aws"] = {{"accessKeyID", need_env(env, "AWS_ACCESS_KEY_ID", "the AWS credentials KKP makes the machines with")},
                    {"secretAccessKey", need_env(env, "AWS_SECRET_ACCESS_KEY", "the AWS credentials KKP makes the machines with")}};
  } else if (byo(provider)) {
    cloud["bringyourown"] = Json::object();
  } else {
    throw Error(Location{s.file, "spec.provider.name"}, "'" + provider + "' has no credentials lo can send to KKP",
                "use hetzner, aws or bringyourown, or name a KKP preset in spec.kkp.preset");
  }
  cluster["spec"] = {{"version", version_of(s)}, {"cloud", cloud}};
  return {{"cluster", cluster}};
}

Json kkp_machine_deployment(const Spec& s, const WorkerPool& p) {
  std::string provider = provider_of(s), flavor = flavor_of(p);
  Json cloud;
  if (provider == "hetzner") cloud = {{"hetzner", {{"type", flavor}}}};
  else if (provider == "aws") cloud = {{"aws", {{"instanceType", flavor}}}};
  else
    throw Error(Location{s.file, "spec.workers." + p.name}, "lo creates machine deployments for hetzner and aws only");
  Json spec = {{"replicas", p.replicas.value_or(1)}};
  if (p.autoscalerMin) spec["minReplicas"] = *p.autoscalerMin;
  if (p.autoscalerMax) spec["maxReplicas"] = *p.autoscalerMax;
  spec["template"] = {{"cloud", cloud},
                      {"operatingSystem", {{p.operatingSystem.value_or("ubuntu"), Json::object()}}},
                      {"versions", {{"kubelet", version_of(s)}}}};
  return {{"name", p.name}, {"spec", spec}};
}

namespace {

// Everything one command needs: paths, the API, what KKP has.
struct Session {
  const Context& c;
  const Spec& s;
  fs::path state_dir, id_file;
  std::string project, clusters;  // clusters: /api/v2/projects/<p>/clusters
  std::unique_ptr<KkpApi> api;

  explicit Session(const Context& ctx)
      : c(ctx),
        s(ctx.domain.spec),
        state_dir(ctx.ws.domain_dir(ctx.domain.ref.name) / ".kkp"),
        id_file(state_dir / "cluster_id"),
        project(*s.kkp.projectId),
        clusters("/api/v2/projects/" + project + "/clusters") {}

  std::string saved_id() const {
    std::error_code ec;
    if (!fs::exists(id_file, ec)) return {};
    std::string id = read_file(id_file, 4096);
    while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.pop_back();
    return id;
  }

  // Reads the environment and opens the API; throws before anything is sent.
  void connect() {
    const char* token = std::getenv("KKP_TOKEN");
    if (!token || !*token)
      throw Error("KKP_TOKEN is not set", "export the token of a KKP service account of project " + project +
                                              " (editor): KKP_TOKEN=...");
    KkpEndpoint e;
    if (const char* u = std::getenv("KKP_API_URL"); u && *u) {
      e.url = u;
      e.url_from = "KKP_API_URL";
    } else {
      e.url = s.kkp.apiUrl.value_or("");
      e.url_from = "spec.kkp.apiUrl of " + s.file;
    }
    while (!e.url.empty() && e.url.back() == '/') e.url.pop_back();
    if (const char* ca = std::getenv("KKP_CA_CERT"); ca && *ca) {
      std::error_code ec;
      if (!fs::is_regular_file(ca, ec))
        throw Error("KKP_CA_CERT (" + std::string(ca) + ") is not a readable file", "point it at the PEM file of the CA that signed KKP's certificate");
      e.ca_pem = read_file(ca, 1 << 20);
      e.ca_from = ca;
    } else if (s.kkp.caCert) {
      fs::path ca = c.domain.ref.dir / *s.kkp.caCert;
      std::error_code ec;
      if (!fs::is_regular_file(ca, ec))
        throw Error(Location{s.file, "spec.kkp.caCert", s.line_of("spec.kkp.caCert")},
                    "points to a missing file: " + c.ws.show(ca), "the path is relative to clusters/" + c.domain.ref.name + "/");
      e.ca_pem = read_file(ca, 1 << 20);
      e.ca_from = c.ws.show(ca);
    }
    std::vector<std::string> more;
    for (const char* n : {"HCLOUD_TOKEN", "AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID"})
      if (const char* v = std::getenv(n)) more.emplace_back(v);
    api = std::make_unique<KkpApi>(e, Secret(token), std::move(more));
  }

  std::string cluster_path(const std::string& id) const { return clusters + "/" + url_escape(id); }

  // The cluster this domain has in KKP: the saved id, else the project's
  // cluster of that name (a run cut off before it saved the id). Empty: none.
  std::string find_cluster(bool* deleting = nullptr) {
    std::string id = saved_id();
    if (!id.empty()) {
      if (auto cl = api->call("GET", cluster_path(id), nullptr, true)) {
        if (deleting) *deleting = cl->is_object() && cl->contains("deletionTimestamp") && !(*cl)["deletionTimestamp"].is_null();
        return id;
      }
      log::note("KKP has no cluster " + id + " (saved in " + c.ws.show(id_file) + ") any more");
    }
    auto list = api->call("GET", clusters);
    const Json& items = list && list->is_object() && list->contains("clusters") ? (*list)["clusters"] : *list;
    if (!items.is_array()) return {};
    for (const auto& cl : items) {
      if (!cl.is_object() || cl.value("name", "") != *s.name || !cl.contains("id") || !cl["id"].is_string()) continue;
      if (deleting) *deleting = cl.contains("deletionTimestamp") && !cl["deletionTimestamp"].is_null();
      log::note("found KKP cluster " + *s.name + " (id " + cl["id"].get<std::string>() + ") in project " + project);
      return cl["id"].get<std::string>();
    }
    return {};
  }

  // Polls /health with backoff until `components` are up.
  void wait_health(const std::string& id, const std::vector<std::string>& components, const std::string& what,
                   std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(kPollFirst);
    std::string last;
    while (true) {
      auto h = kkp_health(api->call("GET", cluster_path(id) + "/health").value_or(Json()), components);
      if (h.up()) {
        log::note("KKP cluster " + *s.name + ": " + what + " up");
        return;
      }
      std::string now = join(h.waiting, ", ");
      if (now != last) log::note("KKP cluster " + *s.name + ": waiting for " + now);
      last = now;
      if (std::chrono::steady_clock::now() + delay > deadline)
        throw Error("timed out after " + format_duration(timeout) + " waiting for the " + what + " of KKP cluster " + *s.name +
                        " (still waiting for " + now + ")",
                    "look at the cluster in the KKP dashboard; rerun to keep waiting (nothing is created twice), or with a longer --timeout");
      std::this_thread::sleep_for(delay);
      delay = std::min<std::chrono::milliseconds>(delay * 2, kPollMax);
    }
  }

  std::vector<std::string> machine_deployments(const std::string& id) {
    std::vector<std::string> names;
    auto list = api->call("GET", cluster_path(id) + "/machinedeployments");
    if (list && list->is_array())
      for (const auto& md : *list)
        if (md.is_object() && md.contains("name") && md["name"].is_string()) names.push_back(md["name"].get<std::string>());
    return names;
  }
};

std::string pool_summary(const Spec& s, const WorkerPool& p) {
  std::string out = std::to_string(p.replicas.value_or(1)) + " replicas, " + provider_of(s) + " " + flavor_of(p) + ", " +
                    p.operatingSystem.value_or("ubuntu");
  if (p.autoscalerMin || p.autoscalerMax)
    out += ", autoscaler " + std::to_string(p.autoscalerMin.value_or(0)) + "-" +
           (p.autoscalerMax ? std::to_string(*p.autoscalerMax) : std::string("?"));
  return out;
}

std::string credentials_summary(const Spec& s) {
  std::string p = provider_of(s);
  if (s.kkp.preset) return p + " credentials of KKP preset " + *s.kkp.preset;
  if (p == "hetzner") return "hetzner credentials from HCLOUD_TOKEN";
  if (p == "aws") return "aws credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY";
  return "bring-your-own nodes";
}

class KkpDriver : public Driver {
 public:
  std::string name() const override { return "Kkp (built in)"; }

  int provision(const Context& c) override {
    const Spec& s = c.domain.spec;
    Session k(c);
    // Every local check before anything is sent.
    Json body = kkp_cluster_body(s, [](const char* n) { return std::getenv(n); });
    std::vector<std::pair<const WorkerPool*, Json>> pools;
    if (s.workers)
      for (const auto& p : *s.workers) pools.emplace_back(&p, kkp_machine_deployment(s, p));
    k.connect();
    auto timeout = c.timeout.value_or(kDefaultTimeout);
    Runner run(c.dry_run, c.dry_run ? std::cout : std::cerr);

    bool deleting = false;
    std::string id = k.find_cluster(&deleting);
    if (deleting)
      throw Error("KKP is deleting cluster " + *s.name + " (id " + id + ")",
                  "wait until 'kubectl lo status " + c.domain.ref.name + "' says NotFound, then provision again");
    bool exists = !id.empty();
    if (exists) {
      run.note("KKP cluster " + *s.name + " exists (id " + id + "); reusing it");
    } else {
      run.step("create", "KKP cluster " + *s.name + " in project " + k.project + " (datacenter " + *s.kkp.datacenter +
                             ", Kubernetes " + version_of(s) + ", " + credentials_summary(s) + ")",
               [&] {
                 auto made = k.api->call("POST", k.clusters, body);
                 if (!made || !made->is_object() || !made->contains("id") || !(*made)["id"].is_string() ||
                     (*made)["id"].get<std::string>().empty())
                   throw Error("KKP created cluster " + *s.name + " but answered without its id",
                               "look for it in the KKP dashboard; the next run finds it by name");
                 id = (*made)["id"].get<std::string>();
                 log::note("KKP cluster " + *s.name + " created (id " + id + ")");
               });
    }
    // Unchanged when it was read from there; a plan of a new cluster cannot know the id.
    if (!c.dry_run || exists) run.write_file("KKP cluster id", k.id_file, id + "\n");
    else run.plan_write("KKP cluster id", k.id_file);
    run.step("wait", "KKP cluster " + *s.name + " control plane healthy (" + join(kCore) + "; timeout " +
                         format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(timeout)) + ")",
             [&] { k.wait_health(id, kCore, "control plane", timeout); });

    std::vector<std::string> have;
    if (exists) have = k.machine_deployments(id);
    std::vector<const std::pair<const WorkerPool*, Json>*> missing;
    for (const auto& p : pools)
      if (std::find(have.begin(), have.end(), p.first->name) == have.end()) missing.push_back(&p);
      else run.note("KKP machine deployment " + p.first->name + " exists");
    if (!missing.empty()) {
      run.step("wait", "KKP cluster " + *s.name + " machine controller healthy (machineController)", [&] {
        k.wait_health(id, {"machineController"}, "machine controller", timeout);
      });
      // Machines boot from what operating-system-manager generates: a
      // machine deployment made before it runs leaves its machines waiting.
      run.step("wait", "KKP cluster " + *s.name + " operating system manager healthy (operatingSystemManager, when KKP runs it)", [&] {
        auto cl = k.api->call("GET", k.cluster_path(id));
        auto health = k.api->call("GET", k.cluster_path(id) + "/health");
        if (!kkp_runs_osm(cl.value_or(Json()), health.value_or(Json()))) {
          log::note("KKP cluster " + *s.name + " runs no operating system manager (spec.enableOperatingSystemManager is false, "
                    "or its health does not report operatingSystemManager): nothing to wait for");
          return;
        }
        k.wait_health(id, {"operatingSystemManager"}, "operating system manager", timeout);
      });
      for (const auto* p : missing)
        run.step("create", "KKP machine deployment " + p->first->name + " (" + pool_summary(s, *p->first) + ")", [&] {
          try {
            k.api->call("POST", k.cluster_path(id) + "/machinedeployments", p->second);
          } catch (const ApiError& e) {
            if (e.status() != 409) throw;  // 409: made meanwhile (by a run cut off before it knew)
            log::note("KKP machine deployment " + p->first->name + " exists");
          }
        });
    }
    // A dry run reads the kubeconfig of a cluster that is there, so the plan
    // writes it only when it would change.
    std::optional<std::string> kc;
    if (!c.dry_run) {
      kc = k.api->get_text(k.cluster_path(id) + "/kubeconfig");
    } else if (exists) {
      try {
        kc = k.api->get_text(k.cluster_path(id) + "/kubeconfig");
      } catch (const Error&) {
        // not ready yet: the real run fetches it after the waits
      }
    }
    if (!kc) {
      run.plan_write("kubeconfig", c.kubeconfig(), fs::perms(0600));
      return 0;
    }
    if (kc->find("clusters") == std::string::npos)
      throw Error("KKP's kubeconfig for cluster " + *s.name + " is not a kubeconfig", "look at the cluster in the KKP dashboard");
    run.write_file("kubeconfig", c.kubeconfig(), *kc, fs::perms(0600));
    return 0;
  }

  bool post_provision(const Context&) override { return false; }

  void destroy(const Context& c) override {
    const Spec& s = c.domain.spec;
    Session k(c);
    k.connect();
    auto timeout = c.timeout.value_or(kDefaultTimeout);
    Runner run(c.dry_run, c.dry_run ? std::cout : std::cerr);
    std::string id = k.find_cluster();
    if (id.empty()) {
      run.note("KKP has no cluster " + *s.name + " in project " + k.project + ": nothing to delete");
    } else {
      run.step("delete", "KKP cluster " + *s.name + " (id " + id + ") and wait until it is gone (timeout " +
                             format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(timeout)) + ")",
               [&] {
                 k.api->call("DELETE", k.cluster_path(id), nullptr, true);
                 auto deadline = std::chrono::steady_clock::now() + timeout;
                 auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(kPollFirst);
                 bool said = false;
                 while (k.api->call("GET", k.cluster_path(id), nullptr, true)) {
                   if (!said) log::note("KKP is deleting cluster " + *s.name + " (its machines first)");
                   said = true;
                   if (std::chrono::steady_clock::now() + delay > deadline)
                     throw Error("KKP cluster " + *s.name + " is still there after " + format_duration(timeout),
                                 "KKP is deleting its machines; rerun to keep waiting, or with a longer --timeout");
                   std::this_thread::sleep_for(delay);
                   delay = std::min<std::chrono::milliseconds>(delay * 2, kPollMax);
                 }
               });
    }
    std::error_code ec;
    if (fs::exists(k.state_dir, ec)) run.remove("KKP state", k.state_dir);
    if (fs::exists(c.kubeconfig(), ec)) run.remove("kubeconfig", c.kubeconfig());
  }

  std::string status(const Context& c) override {
    Session k(c);
    if (k.saved_id().empty() && !std::getenv("KKP_TOKEN")) return "NotFound";
    k.connect();
    bool deleting = false;
    std::string id = k.find_cluster(&deleting);
    if (id.empty()) return "NotFound";
    if (deleting) return "Deleting";
    auto h = kkp_health(k.api->call("GET", k.cluster_path(id) + "/health").value_or(Json()), kCore);
    if (h.up()) return "Running";
    return h.down ? "Error" : "Creating";
  }

  std::string kubeconfig(const Context& c) override { return c.kubeconfig().string(); }
};

}  // namespace

std::unique_ptr<Driver> kkp_driver() { return std::make_unique<KkpDriver>(); }

}  // namespace lo::driver
