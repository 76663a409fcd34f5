// Built-in Lo driver (lo-registry up, then lo-kind create) and the external
// driver executables for every other kind.
#include "driver.hpp"
#include "drivers/capi.hpp"
#include "drivers/kkp.hpp"
#include "drivers/kubeone.hpp"
#include "remote.hpp"

#include <unistd.h>

#include <algorithm>
#include <iostream>

#include "lo/defaults.hpp"
#include "lo/error.hpp"
#include "lo/exec.hpp"
#include "lo/log.hpp"
#include "lo/spec_env.hpp"

namespace lo::driver {
namespace fs = std::filesystem;

int run_sibling(const std::string& binary, const std::vector<std::string>& args) {
  std::vector<std::string> argv{sibling_program(binary)};
  argv.insert(argv.end(), args.begin(), args.end());
  ExecOptions o;
  o.inherit_stdout = true;
  o.inherit_stderr = true;
  auto r = run(argv, o);
  return r.term_signal ? 128 + r.term_signal : r.exit_code;
}

decltype(ExecOptions::env) environment(const Context& c) {
  decltype(ExecOptions::env) env{
      {"LOK8S_CLUSTER_NAME", c.domain.spec.name.value_or("")},
      {"KIND_CONFIG", (c.domain.ref.dir / "kind-config.yaml").string()},
      {"DOMAIN_NAME", c.domain.ref.name},
      {"LOK8S_CLUSTER_PATH", c.domain.ref.dir.string()},
      {"LOK8S_FORCE", c.force ? "1" : "0"},
      {"LOK8S_VERBOSE", std::to_string(c.verbosity)},
      {"PATH_BASE", c.ws.root.string()},
      {"PATH_CLUSTERS", c.ws.clusters.string()},
      {"KUBECONFIG", c.kubeconfig().string()}};
  for (const auto& [k, v] : spec_variables(effective_spec(c.domain.spec))) env[k] = v;
  return env;
}

namespace {

std::vector<std::string> common_args(const Context& c) {
  std::vector<std::string> a{c.domain.ref.name, "--root", c.ws.root.string()};
  if (c.verbosity) a.push_back("-v=" + std::to_string(c.verbosity));
  return a;
}

class LoDriver : public Driver {
 public:
  std::string name() const override { return "Lo (built in)"; }

  int provision(const Context& c) override {
    auto args = common_args(c);
    if (c.dry_run) args.push_back("--dry-run");
    // One plan over both binaries: lo-kind plans with what lo-registry planned.
    std::optional<PlanState> plan;
    if (c.dry_run) plan.emplace();
    std::vector<std::string> up{"up"};
    up.insert(up.end(), args.begin(), args.end());
    if (int rc = run_sibling("lo-registry", up)) throw Error("registries of " + c.domain.ref.name + " failed (lo-registry exit " + std::to_string(rc) + ")");
    std::vector<std::string> create{"create"};
    create.insert(create.end(), args.begin(), args.end());
    if (int rc = run_sibling("lo-kind", create)) throw Error("kind cluster of " + c.domain.ref.name + " failed (lo-kind exit " + std::to_string(rc) + ")");
    return 0;
  }
  bool post_provision(const Context&) override { return false; }
  void destroy(const Context& c) override {
    auto args = common_args(c);
    if (c.dry_run) args.push_back("--dry-run");
    std::optional<PlanState> plan;
    if (c.dry_run) plan.emplace();
    std::vector<std::string> del{"delete"};
    del.insert(del.end(), args.begin(), args.end());
    if (int rc = run_sibling("lo-kind", del)) throw Error("deleting the kind cluster failed (lo-kind exit " + std::to_string(rc) + ")");
    // Shared mirrors stay: other projects use them (lo-registry clean --shared removes them).
    std::vector<std::string> down{"down"};
    down.insert(down.end(), args.begin(), args.end());
    if (int rc = run_sibling("lo-registry", down)) throw Error("stopping the registries failed (lo-registry exit " + std::to_string(rc) + ")");
  }
  std::string status(const Context& c) override { return capture("lo-kind", {"status"}, c); }
  std::string kubeconfig(const Context& c) override { return capture("lo-kind", {"kubeconfig"}, c); }

 private:
  static std::string capture(const std::string& binary, std::vector<std::string> args, const Context& c) {
    auto extra = common_args(c);
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<std::string> argv{sibling_program(binary)};
    argv.insert(argv.end(), args.begin(), args.end());
    ExecOptions o;
    o.inherit_stderr = true;
    auto r = run(argv, o);
    if (!r.ok()) throw Error(binary + " " + args[0] + " failed (exit " + std::to_string(r.exit_code) + ")");
    std::string out = r.out;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return std::tolower(ch); });
  return s;
}

class ExternalDriver : public Driver {
 public:
  ExternalDriver(fs::path exe) : exe_(std::move(exe)) {}
  std::string name() const override { return exe_.string(); }

  int provision(const Context& c) override {
    auto r = call("provision", c, true);
    if (r.exit_code == 0 || r.exit_code == kProvisionHandledAll) return r.exit_code;
    fail("provision", r);
  }
  bool post_provision(const Context& c) override {
    auto r = call("post_provision", c, true);
    if (r.exit_code == kVerbNotImplemented) {
      log::note(exe_.filename().string() + ": post_provision is not implemented (exit 64); skipped");
      return false;
    }
    if (!r.ok()) fail("post_provision", r);
    return true;
  }
  void destroy(const Context& c) override {
    auto r = call("destroy", c, true);
    if (!r.ok()) fail("destroy", r);
  }
  std::string status(const Context& c) override { return word("status", c); }
  std::string kubeconfig(const Context& c) override { return word("kubeconfig", c); }

 private:
  ExecResult call(const std::string& verb, const Context& c, bool pass_output) {
    std::vector<std::string> argv{exe_.string(), verb, c.domain.ref.name};
    if (verb != "kubeconfig") argv.push_back(c.domain.ref.spec_file.string());
    if (c.dry_run && verb != "status" && verb != "kubeconfig") {
      std::cout << "run: " << argv_to_display(argv) << "  (external driver)\n";
      ExecResult ok;
      ok.exit_code = 0;
      return ok;
    }
    ExecOptions o;
    o.env = environment(c);
    o.inherit_stderr = true;
    o.inherit_stdout = pass_output;
    o.cwd = c.ws.root;
    return run(argv, o);
  }
  std::string word(const std::string& verb, const Context& c) {
    auto r = call(verb, c, false);
    if (!r.ok()) fail(verb, r);
    std::string out = r.out;
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    if (auto nl = out.rfind('\n'); nl != std::string::npos) out = out.substr(nl + 1);  // the last line is the answer
    return out;
  }
  [[noreturn]] void fail(const std::string& verb, const ExecResult& r) {
    throw Error("driver " + exe_.string() + " " + verb + " failed (exit " + std::to_string(r.exit_code) + ")",
                "see the driver's output above");
  }
  fs::path exe_;
};

}  // namespace

std::unique_ptr<Driver> driver_for(const Context& c) {
  const Spec& s = c.domain.spec;
  if (s.kind == SpecKind::Deploy)
    throw Error("'" + c.domain.ref.name + "' is a deployment domain; it has no cluster of its own",
                "deploy to it with 'kubectl lo deploy " + c.domain.ref.name + "'; manage the cluster of spec.clusterRef.domain (" +
                    s.clusterRefDomain.value_or("?") + ") instead");
  if (s.kind == SpecKind::Lo) return c.remote ? remote_lo_driver() : std::make_unique<LoDriver>();
  if (s.kind == SpecKind::Capi) return capi_driver();
  if (s.kind == SpecKind::KubeOne) return kubeone_driver();
  if (s.kind == SpecKind::Kkp) return kkp_driver();
  std::string kind = lower(s.kindText);
  std::string exe = "lo-driver-" + kind;
  fs::path local = c.ws.root / ".lok8s" / "drivers" / kind / exe;
  if (::access(local.c_str(), X_OK) == 0) return std::make_unique<ExternalDriver>(local);
  if (auto p = find_program(exe)) return std::make_unique<ExternalDriver>(*p);
  throw Error("no driver for kind " + s.kindText + " (domain " + c.domain.ref.name + ")",
              "lo has no built-in " + s.kindText + " driver yet; provide an executable " + exe + " on PATH or at " +
                  c.ws.show(local));
}

}  // namespace lo::driver
