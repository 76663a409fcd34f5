#include "drivers/kubeone.hpp"

#include <iostream>

#include "lo/error.hpp"
#include "lo/exec.hpp"
#include "lo/fs.hpp"
#include "lo/log.hpp"
#include "lo/runner.hpp"
#include "lo/yaml_json.hpp"
#include "providers/provider.hpp"

namespace lo::driver {
namespace fs = std::filesystem;

namespace {

fs::path work_dir(const Workspace& ws, const LoadedDomain& d) { return ws.domain_dir(d.ref.name) / ".kubeone"; }

// Machines made elsewhere: an inventory or Terraform's output.json is there.
bool has_machines(const Context& c) {
  std::error_code ec;
  return fs::exists(provider::inventory_file(c.ws, c.domain), ec) || fs::exists(work_dir(c.ws, c.domain) / "output.json", ec);
}

// The infrastructure provider of spec.provider.name, or nullptr when the
// machines come from elsewhere: the spec names none, or names one lo cannot
// find while an inventory is there.
std::unique_ptr<provider::Provider> infrastructure(const Context& c, bool say = true) {
  try {
    return provider::provider_for(c);
  } catch (const Error&) {
    if (!has_machines(c)) throw;
    if (say)
      log::note("no infrastructure provider '" + *c.domain.spec.provider.name + "' (neither built in nor lo-provider-" +
                *c.domain.spec.provider.name + "): the machines of " +
                c.ws.show(provider::inventory_file(c.ws, c.domain)) + " are used as they are; lo does not make or remove them");
    return nullptr;
  }
}

class KubeOneDriver : public Driver {
 public:
  std::string name() const override { return "KubeOne (built in)"; }

  int provision(const Context& c) override {
    if (!c.dry_run && !find_program("kubeone"))
      throw Error("kubeone is not installed", "install it (https://docs.kubermatic.com/kubeone/) and put it on PATH");
    auto infra = infrastructure(c);
    if (!infra) kubeone_manifest(c.ws, c.domain);  // a spec or inventory error before anything runs
    fs::path dir = work_dir(c.ws, c.domain);
    Runner run(c.dry_run, c.dry_run ? std::cout : std::cerr);
    if (infra) {
      infra->validate(c);
      infra->provision(c);
      provider::write_inventory(*infra, c, run);
    }
    std::error_code ec;
    if (c.dry_run && infra && !fs::exists(provider::inventory_file(c.ws, c.domain), ec))
      run.plan_write("KubeOne manifest (from the inventory above)", dir / "kubeone.yaml");
    else
      run.write_file("KubeOne manifest", dir / "kubeone.yaml", json_to_yaml(kubeone_manifest(c.ws, c.domain)));
    run.change("kubeone apply", kubeone_argv(c, "apply"), options(dir));
    fs::path from = dir / (*c.domain.spec.name + "-kubeconfig");
    run.step("copy", c.ws.show(from) + " to " + c.ws.show(c.kubeconfig()) + " (0600)", [&] {
      if (!fs::exists(from, ec))
        throw Error("kubeone apply left no kubeconfig at " + c.ws.show(from), "look at kubeone's output above");
      write_file_atomic(c.kubeconfig(), read_file(from, 1 << 20), fs::perms(0600));
    });
    return 0;
  }
  bool post_provision(const Context&) override { return false; }

  // kubeone reset, then the provider's destroy.
  void destroy(const Context& c) override {
    auto infra = infrastructure(c);
    fs::path dir = work_dir(c.ws, c.domain);
    Runner run(c.dry_run, c.dry_run ? std::cout : std::cerr);
    std::error_code ec;
    if (!fs::exists(dir / "kubeone.yaml", ec)) {
      log::note("no " + c.ws.show(dir / "kubeone.yaml") + ": nothing to reset");
    } else if (!infra) {
      run.change("kubeone reset", kubeone_argv(c, "reset"), options(dir));
    } else {
      try {
        run.change("kubeone reset", kubeone_argv(c, "reset"), options(dir));
      } catch (const Error& e) {  // the machines go anyway
        run.warn("kubectl lo", std::string("kubeone reset failed; provider ") + infra->name() + " removes the machines anyway",
                 e.what());
      }
    }
    if (fs::exists(c.kubeconfig(), ec)) run.remove("kubeconfig", c.kubeconfig());
    if (!infra) {
      run.warn("kubectl lo", "the machines stay: no infrastructure provider made them",
               "remove them with the tool that made them");
      return;
    }
    infra->destroy(c);
    if (fs::path inv = provider::inventory_file(c.ws, c.domain); fs::exists(inv, ec)) run.remove("inventory", inv);
  }

  std::string status(const Context& c) override {
    fs::path dir = work_dir(c.ws, c.domain);
    std::error_code ec;
    auto infra = infrastructure(c, false);
    // The machines first: none, still being made, or broken (the provider's word).
    if (infra)
      if (std::string st = infra->status(c); st == "NotFound" || st == "Creating" || st == "Error") return st;
    if (!fs::exists(dir / "kubeone.yaml", ec) || !find_program("kubeone")) return "NotFound";
    auto r = run(kubeone_argv(c, "status"), options(dir, false));
    return r.ok() ? "Ready" : "NotReady";
  }

  std::string kubeconfig(const Context& c) override { return c.kubeconfig().string(); }

 private:
  static std::vector<std::string> kubeone_argv(const Context& c, const std::string& verb) {
    std::vector<std::string> argv{"kubeone", verb, "--manifest", "kubeone.yaml"};
    if (verb != "status") argv.push_back("--auto-approve");
    std::error_code ec;
    if (fs::exists(work_dir(c.ws, c.domain) / "output.json", ec)) {
      argv.push_back("--tfjson");
      argv.push_back("output.json");
    }
    return argv;
  }
  // apply and reset stream kubeone's output; status is read.
  static ExecOptions options(const fs::path& dir, bool stream = true) {
    ExecOptions o;
    o.cwd = dir;
    o.inherit_stdout = stream;
    o.inherit_stderr = stream;
    return o;
  }
};

}  // namespace

std::unique_ptr<Driver> kubeone_driver() { return std::make_unique<KubeOneDriver>(); }

}  // namespace lo::driver
