// A provider served by an executable lo-provider-<name> (provider.hpp has
// the calling convention).
#include "lo/error.hpp"
#include "lo/exec.hpp"
#include "lo/fs.hpp"
#include "lo/log.hpp"
#include "lo/runner.hpp"
#include "providers/provider.hpp"

namespace lo::provider {
namespace fs = std::filesystem;

namespace {

class ExternalProvider : public Provider {
 public:
  explicit ExternalProvider(fs::path exe) : exe_(std::move(exe)) {}
  std::string name() const override { return exe_.filename().string(); }

  // validate changes nothing (the contract), so a dry run runs it too: bad
  // credentials stop the plan as they would stop the run. The verbs that
  // may touch the cloud are steps: printed, not run, under --dry-run.
  void validate(const Context& c) override { check("validate", call("validate", c, true)); }
  void provision(const Context& c) override { change("provision", c); }
  void destroy(const Context& c) override { change("destroy", c); }

  Json output(const Context& c) override {
    auto r = call("output", c, false);
    check("output", r);
    Json inv = Json::parse(r.out, nullptr, false);
    if (inv.is_discarded())
      throw Error("provider " + name() + " output printed no JSON", "its stdout must be the standard inventory JSON alone");
    return inv;
  }

  std::string status(const Context& c) override {
    auto r = call("status", c, false);
    check("status", r);
    std::string out = r.out;
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    if (auto nl = out.rfind('\n'); nl != std::string::npos) out = out.substr(nl + 1);
    return out;
  }

 private:
  std::vector<std::string> argv(const std::string& verb, const Context& c) const {
    return {exe_.string(), verb, c.domain.ref.name, c.domain.ref.spec_file.string()};
  }

  ExecOptions options(const Context& c, bool pass_stdout) const {
    ExecOptions o;
    o.env = driver::environment(c);
    o.env["LOK8S_PROVIDER_NAME"] = *c.domain.spec.provider.name;
    o.env["LOK8S_PROVIDER_DIR"] = state_dir(c.ws, c.domain).string();
    o.env["PROVIDER_CONFIG_FILE"] = config_file(c).string();
    o.cwd = c.ws.root;
    o.inherit_stdout = pass_stdout;
    o.inherit_stderr = true;
    return o;
  }

  // spec.provider.configRef (relative to the domain folder), else the inline
  // config written as JSON into the state folder.
  static fs::path config_file(const Context& c) {
    const ProviderSpec& p = c.domain.spec.provider;
    if (p.configRef) return fs::path(*p.configRef).is_absolute() ? fs::path(*p.configRef) : c.domain.ref.dir / *p.configRef;
    return state_dir(c.ws, c.domain) / "config.json";
  }

  ExecResult call(const std::string& verb, const Context& c, bool pass_stdout) const {
    const ProviderSpec& p = c.domain.spec.provider;
    if (!p.configRef) {
      std::string text = p.config.value_or(Json::object()).dump(2) + "\n";
      fs::path file = config_file(c);
      std::error_code ec;
      if (!fs::exists(file, ec) || read_file(file, 16 << 20) != text) write_file_atomic(file, text, fs::perms(0600));
    }
    return run(argv(verb, c), options(c, pass_stdout));
  }

  // A step like any other ("run: <argv>"), so a plan lists the provider's
  // calls exactly as its run records them.
  void change(const std::string& verb, const Context& c) {
    Runner run(c.dry_run);
    run.step("run", argv_to_display(argv(verb, c)), [&] { check(verb, call(verb, c, true)); });
  }

  void check(const std::string& verb, const ExecResult& r) const {
    if (r.ok()) return;
    std::string code = r.term_signal ? "signal " + std::to_string(r.term_signal) : "exit " + std::to_string(r.exit_code);
    throw Error("provider " + name() + " " + verb + " failed (" + code + ")",
                "its output is above; fix the cause and run the command again (" + exe_.string() + ")");
  }

  fs::path exe_;
};

}  // namespace

std::unique_ptr<Provider> external_provider(fs::path exe) { return std::make_unique<ExternalProvider>(std::move(exe)); }

}  // namespace lo::provider
