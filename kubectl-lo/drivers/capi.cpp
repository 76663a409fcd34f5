#include "drivers/capi.hpp"

#include <cstdlib>
#include <iostream>
#include <thread>

#include "drivers/capi_render.hpp"
#include "lo/duration.hpp"
#include "lo/error.hpp"
#include "lo/fs.hpp"
#include "lo/kube_client.hpp"
#include "lo/log.hpp"
#include "lo/runner.hpp"

namespace lo::driver {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

constexpr auto kDefaultTimeout = std::chrono::minutes(15);
constexpr int kApplyAttempts = 10;

// The management cluster's kubeconfig: .kubeconfig/<metadata.name>.yaml of
// the management domain when the project has it, else .kubeconfig/<domain>.yaml.
fs::path management_kubeconfig(const Context& c) {
  const std::string mgmt = *c.domain.spec.managementClusterDomain;
  std::error_code ec;
  fs::path by_domain = c.ws.kubeconfig_dir() / (mgmt + ".yaml");
  if (fs::is_directory(c.ws.domain_dir(mgmt), ec)) {
    auto d = load_domain(c.ws, mgmt);
    fs::path by_name = c.ws.kubeconfig_dir() / (d.spec.name.value_or(mgmt) + ".yaml");
    if (fs::exists(by_name, ec) || !fs::exists(by_domain, ec)) return by_name;
  }
  return by_domain;
}

// The management cluster: the kubeconfig of spec.managementCluster.domain,
// or in SaaS mode (no spec.managementCluster) the one --kubeconfig and
// --context name. SaaS mode without them is a usage error: lo never applies
// Cluster API resources to whatever $KUBECONFIG happens to point at.
struct Management {
  KubeconfigRequest request;
  std::string shown;                 // in the plan and in messages
  std::optional<fs::path> own_file;  // the management domain's file, when it is one
};

Management management(const Context& c) {
  Management m;
  if (c.domain.spec.managementClusterDomain) {
    fs::path kc = management_kubeconfig(c);
    m.request.path = kc;
    m.shown = c.ws.show(kc);
    m.own_file = kc;
    return m;
  }
  if (!c.kubeconfig_flag && !c.context_flag)
    throw UsageError("Capi domain " + c.domain.ref.name +
                         " has no spec.managementCluster (SaaS mode): name its management cluster with "
                         "--kubeconfig FILE and/or --context NAME",
                     "or set spec.managementCluster.domain in " + c.ws.show(c.domain.ref.spec_file));
  if (c.kubeconfig_flag) {
    m.request.path = fs::path(*c.kubeconfig_flag);
    m.shown = "--kubeconfig " + *c.kubeconfig_flag;
  }
  if (c.context_flag) {
    m.request.context = *c.context_flag;
    m.shown += (m.shown.empty() ? "" : " ") + std::string("--context ") + *c.context_flag;
  }
  return m;
}

std::string phase_of(const Json& cluster) {
  if (!cluster.contains("status") || !cluster["status"].is_object()) return "Pending";
  return cluster["status"].value("phase", "Pending");
}

class CapiDriver : public Driver {
 public:
  std::string name() const override { return "Capi (built in)"; }

  int provision(const Context& c) override {
    Management m = management(c);
    auto r = capi::render(c.ws, c.domain);
    // Every local check before anything is sent.
    auto secret = capi::credential_secret(r, c.domain, [](const char* n) { return std::getenv(n); });
    auto timeout = c.timeout.value_or(kDefaultTimeout);
    Runner run(c.dry_run, c.dry_run ? std::cout : std::cerr);
    std::string where = " on the management cluster (" + m.shown + ")";
    if (!c.dry_run && m.own_file && !fs::exists(*m.own_file))
      throw Error("management cluster kubeconfig not found: " + m.shown,
                  "provision the management cluster first (kubectl lo provision " + *c.domain.spec.managementClusterDomain + ")");
    std::unique_ptr<KubeClient> mgmt;
    if (!c.dry_run) mgmt = client(m.request);
    Json ns = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", r.ns}}}};
    run.step("apply", "Namespace " + r.ns + where, [&] { apply(*mgmt, ns); });
    std::vector<std::string> keys;
    for (const auto& [k, v] : secret.data) keys.push_back(k);
    run.step("apply", "Secret " + r.ns + "/" + secret.name + " (keys " + join(keys) + "; values not shown)",
             [&] { apply(*mgmt, capi::secret_object(secret)); });
    for (const auto& o : r.objects) {
      std::string what = o.value("kind", "") + " " + r.ns + "/" + o["metadata"].value("name", "");
      run.step("apply", what, [&] { apply(*mgmt, o); });
    }
    run.step("wait", "Cluster " + r.ns + "/" + r.cluster_name + " phase Provisioned (timeout " + format_duration(
                 std::chrono::duration_cast<std::chrono::milliseconds>(timeout)) + ")",
             [&] { wait_provisioned(*mgmt, r, timeout); });
    fs::path kc = c.kubeconfig();
    std::string kubeconfig_text;
    run.step("write", c.ws.show(kc) + " (0600) from Secret " + r.ns + "/" + r.cluster_name + "-kubeconfig", [&] {
      kubeconfig_text = workload_kubeconfig(*mgmt, r, timeout);
      write_file_atomic(kc, kubeconfig_text, fs::perms(0600));
    });
    run.step("wait", "workload API /readyz (" + c.ws.show(kc) + ")", [&] { wait_readyz(kc, timeout); });
    return 0;
  }

  bool post_provision(const Context&) override { return false; }

  void destroy(const Context& c) override {
    Management m = management(c);
    auto r = capi::render(c.ws, c.domain);
    Runner run(c.dry_run, c.dry_run ? std::cout : std::cerr);
    auto timeout = c.timeout.value_or(kDefaultTimeout);
    std::unique_ptr<KubeClient> mgmt;
    if (!c.dry_run) mgmt = client(m.request);
    run.step("delete", "Cluster " + r.ns + "/" + r.cluster_name + " on the management cluster (" + m.shown +
                           ") and wait until it is gone", [&] {
      auto info = mgmt->require_resource("cluster.x-k8s.io/v1beta2", "Cluster");
      auto resp = mgmt->request("DELETE", KubeClient::object_path(info, r.ns, r.cluster_name));
      if (resp.status == 404) {
        log::note("Cluster " + r.ns + "/" + r.cluster_name + " does not exist");
        return;
      }
      if (resp.status >= 300) throw Error("deleting Cluster " + r.cluster_name + " failed (HTTP " + std::to_string(resp.status) + ")", resp.body);
      // Cluster API deletes machines first; the Cluster goes last.
      auto deadline = std::chrono::steady_clock::now() + timeout;
      while (mgmt->get_object(info, r.ns, r.cluster_name)) {
        if (std::chrono::steady_clock::now() >= deadline)
          throw Error("Cluster " + r.ns + "/" + r.cluster_name + " is still there after " + format_duration(timeout),
                      "Cluster API is deleting its machines; look at 'kubectl get machines -n " + r.ns +
                          "' on the management cluster, or rerun with a longer --timeout");
        std::this_thread::sleep_for(1s);
      }
    });
    std::error_code ec;
    if (fs::exists(c.kubeconfig(), ec)) run.remove("workload kubeconfig", c.kubeconfig());
  }

  std::string status(const Context& c) override {
    Management m = management(c);
    auto r = capi::render(c.ws, c.domain);
    if (m.own_file && !fs::exists(*m.own_file)) return "NotFound";
    auto mgmt = client(m.request);
    auto info = mgmt->find_resource("cluster.x-k8s.io/v1beta2", "Cluster");
    if (!info) return "NotFound";
    auto obj = mgmt->get_object(*info, r.ns, r.cluster_name);
    return obj ? phase_of(*obj) : "NotFound";
  }

  std::string kubeconfig(const Context& c) override { return c.kubeconfig().string(); }

 private:
  static std::unique_ptr<KubeClient> client(const KubeconfigRequest& req) {
    ClientOptions o;
    o.max_retries = 2;  // the apply loop below retries longer, with progress lines
    return std::make_unique<KubeClient>(load_kubeconfig(req), o);
  }

  // Server-side apply, retried while the management cluster refuses (CAPI's
  // webhooks answer 500 "failed calling webhook" until they are up).
  static void apply(KubeClient& k, const Json& o) {
    std::string api_version = o.value("apiVersion", ""), kind = o.value("kind", "");
    auto delay = 1s;
    for (int attempt = 1;; ++attempt) {
      try {
        auto info = k.find_resource(api_version, kind);
        if (!info) {
          k.refresh_discovery(api_version);
          info = k.find_resource(api_version, kind);
        }
        if (!info)
          throw ApiError(404, "NotFound", kind + " (" + api_version + ") is not served", nullptr,
                         "the management cluster does not serve " + kind + " (" + api_version + ")",
                         "install Cluster API and the provider there (clusterctl init --infrastructure <provider>)");
        ApplyOptions ao;
        ao.force = true;
        k.apply(*info, o, ao);
        return;
      } catch (const ApiError& e) {
        bool transient = e.status() == 0 || e.status() >= 500 || e.status() == 429 ||
                         (e.status() == 404 && attempt < 3);  // a CRD just established
        if (!transient || attempt >= kApplyAttempts) throw;
        log::note("the management cluster refused " + kind + " " + o["metadata"].value("name", "") + " (" +
                  (e.message().empty() ? std::string(e.what()) : e.message()) + "); retrying in " +
                  std::to_string(delay.count()) + "s (attempt " + std::to_string(attempt + 1) + " of " +
                  std::to_string(kApplyAttempts) + ")");
        std::this_thread::sleep_for(delay);
        delay = std::min<std::chrono::seconds>(delay * 2, 15s);
      }
    }
  }

  static void wait_provisioned(KubeClient& k, const capi::Rendered& r, std::chrono::milliseconds timeout) {
    auto info = k.require_resource("cluster.x-k8s.io/v1beta2", "Cluster");
    std::string last;
    bool ok = k.watch(KubeClient::collection_path(info, r.ns), {"", "metadata.name=" + r.cluster_name},
                      [&](const WatchEvent& e) {
                        if (e.type == WatchEvent::Type::Deleted) throw Error("Cluster " + r.cluster_name + " was deleted while lo waited for it");
                        if (e.type == WatchEvent::Type::Reset) return false;
                        std::string phase = phase_of(e.object);
                        if (phase != last) log::note("Cluster " + r.ns + "/" + r.cluster_name + ": " + phase);
                        last = phase;
                        if (phase == "Failed") throw Error("Cluster " + r.cluster_name + " failed (status.phase Failed)",
                                                           "see 'kubectl describe cluster " + r.cluster_name + " -n " + r.ns + "' on the management cluster");
                        return phase == "Provisioned";
                      },
                      std::chrono::steady_clock::now() + timeout);
    if (!ok)
      throw Error("timed out after " + format_duration(timeout) + " waiting for Cluster " + r.ns + "/" + r.cluster_name +
                      " to be Provisioned (last phase: " + (last.empty() ? "none" : last) + ")",
                  "look at the Cluster and its machines on the management cluster; rerun with --timeout to wait longer");
  }

  static std::string workload_kubeconfig(KubeClient& k, const capi::Rendered& r, std::chrono::milliseconds timeout) {
    auto info = k.require_resource("v1", "Secret");
    std::string name = r.cluster_name + "-kubeconfig";
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      if (auto s = k.get_object(info, r.ns, name)) {
        const Json& data = (*s)["data"];
        if (data.is_object() && data.contains("value") && data["value"].is_string())
          if (auto text = base64_decode(data["value"].get<std::string>()); text && !text->empty()) return *text;
      }
      if (std::chrono::steady_clock::now() >= deadline)
        throw Error("Secret " + r.ns + "/" + name + " (the workload kubeconfig) did not appear", "look at the Cluster's conditions on the management cluster");
      std::this_thread::sleep_for(1s);
    }
  }

  static void wait_readyz(const fs::path& kc, std::chrono::milliseconds timeout) {
    KubeconfigRequest req;
    req.path = kc;
    auto k = client(req);
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string last;
    while (true) {
      try {
        auto resp = k->request("GET", "/readyz");
        if (resp.status == 200) return;
        last = "HTTP " + std::to_string(resp.status);
      } catch (const ApiError& e) {
        last = e.message();
      }
      if (std::chrono::steady_clock::now() >= deadline)
        throw Error("the workload cluster's API never became ready (" + last + ")", "check the control plane load balancer and machines");
      std::this_thread::sleep_for(2s);
    }
  }
};

}  // namespace

std::unique_ptr<Driver> capi_driver() { return std::make_unique<CapiDriver>(); }

}  // namespace lo::driver
