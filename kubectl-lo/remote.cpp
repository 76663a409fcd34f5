// Remote Lo (remote.hpp has the model): one Runner for the whole command,
// so the dry run prints the run's steps.
#include "remote.hpp"

#include <cstdlib>
#include <iostream>
#include <thread>

#include "lo/defaults.hpp"
#include "lo/error.hpp"
#include "lo/exec.hpp"
#include "lo/fs.hpp"
#include "lo/log.hpp"
#include "lo/runner.hpp"
#include "lo/sha256.hpp"
#include "lo/ssh.hpp"
#include "providers/provider.hpp"

namespace lo::driver {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// spec.remote with its defaults (upstream's config.sh, but tilt: false is
// honoured and Tilt on the VM is opt-in).
struct Settings {
  std::string mode = "docker";
  bool expose = true, tilt = false;
  std::string sync_path = ".", sync_dest = "/workspace";
  std::vector<std::string> excludes{".git", "node_modules", ".secrets", ".kubeconfig", "clusters/.active"};
};

Location at(const Spec& s, const std::string& field) { return Location{s.file, field, s.line_of(field)}; }

bool has_dotdot(const fs::path& p) {
  for (const auto& part : p)
    if (part == "..") return true;
  return false;
}

// Every spec error before anything runs.
Settings settings(const Context& c) {
  const Spec& s = c.domain.spec;
  Diagnostics d;
  if (!s.provider.name)
    d.error(at(s, "spec.provider.name"), "is required for --remote: the infrastructure provider makes the VM the cluster runs on",
            "name one (spec.provider.name: NAME, served by lo-provider-NAME), or provision locally without --remote");
  Settings r;
  const RemoteSpec& rs = s.remote;
  if (rs.mode) r.mode = *rs.mode;
  if (rs.expose) r.expose = *rs.expose;
  if (rs.tilt) r.tilt = *rs.tilt;
  if (rs.syncPath) r.sync_path = *rs.syncPath;
  if (rs.syncDest) r.sync_dest = *rs.syncDest;
  if (rs.syncExclude) r.excludes = *rs.syncExclude;
  if (fs::path(r.sync_path).is_absolute() || has_dotdot(r.sync_path) || r.sync_path.empty())
    d.error(at(s, "spec.remote.sync.path"), "must be a folder of the project (relative, without '..'), got '" + r.sync_path + "'",
            "the default '.' syncs the whole project");
  else if (std::error_code ec; !fs::is_directory(c.ws.root / r.sync_path, ec))
    d.error(at(s, "spec.remote.sync.path"), "'" + r.sync_path + "' is not a folder of the project " + c.ws.root.string());
  if (!fs::path(r.sync_dest).is_absolute() || has_dotdot(r.sync_dest) || ssh::quote(r.sync_dest) != r.sync_dest || r.sync_dest == "/")
    d.error(at(s, "spec.remote.sync.dest"),
            "must be an absolute folder on the VM other than / (letters, digits, _ . / - only, no '..'), got '" + r.sync_dest + "'",
            "the default is /workspace");
  for (size_t i = 0; i < r.excludes.size(); ++i)
    if (r.excludes[i].empty() || r.excludes[i].find('\n') != std::string::npos)
      d.error(at(s, "spec.remote.sync.exclude[" + std::to_string(i) + "]"), "is empty", "give an rsync pattern (.git, node_modules)");
  d.throw_if_errors();
  return r;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

std::string first_line(const std::string& s) { return trim(s.substr(0, s.find('\n'))); }

std::string text_of(const Json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_number_integer()) return std::to_string(j.get<int64_t>());
  return {};
}

// The VM: nodes[0] of the inventory and its access entry; placeholders in
// a dry run whose provider has made nothing yet.
ssh::Target vm_of(const Context& c, const Json* inv) {
  ssh::Target t;
  t.state = ssh::state_dir(c.ws, c.domain.ref.name);
  if (!inv) {
    t.user = "<ssh_user>";
    t.host = "<public_ip>";
    t.port = "<ssh_port>";
    t.key = "<privateKey>";
    return t;
  }
  const Json& node = (*inv)["nodes"][0];
  const Json* access = &(*inv)["access"][0];
  for (const auto& a : (*inv)["access"])
    if (node.contains("access") && a.contains("id") && a["id"] == node["access"]) access = &a;
  t.host = text_of(node["public_ip"]);
  t.user = node.contains("ssh_user") ? text_of(node["ssh_user"]) : access->contains("user") ? text_of((*access)["user"]) : "root";
  t.port = node.contains("ssh_port") ? text_of(node["ssh_port"]) : access->contains("port") ? text_of((*access)["port"]) : "22";
  if (access->contains("privateKey")) t.key = text_of((*access)["privateKey"]);
  std::string shown = c.ws.show(provider::inventory_file(c.ws, c.domain));
  ssh::check_address(t.user, t.host, shown + " (nodes[0])");
  if (t.port.empty() || t.port.find_first_not_of("0123456789") != std::string::npos)
    throw Error(Location{shown, "nodes[0].ssh_port"}, "is not a port number");
  return t;
}

std::optional<Json> read_inventory(const Context& c) {
  fs::path f = provider::inventory_file(c.ws, c.domain);
  std::error_code ec;
  if (!fs::exists(f, ec)) return std::nullopt;
  Json j = Json::parse(read_file(f, 16 << 20), nullptr, false);
  if (j.is_discarded()) throw Error(Location{c.ws.show(f), {}}, "is not JSON", "remove it; provision --remote writes it again");
  provider::check_inventory(j, c.ws.show(f));
  return j;
}

Context for_real(const Context& c) {
  Context r = c;
  r.dry_run = false;
  return r;
}

// SSH answers (exit 255 is ssh's own failure: not up yet).
void wait_for_ssh(Runner& run, const Context& c, const ssh::Target& t) {
  if (!find_program("ssh")) throw Error("ssh is not installed (not found on PATH)", "install the OpenSSH client and retry");
  auto limit = c.timeout.value_or(std::chrono::milliseconds(2min));
  auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    ExecResult r = run.query(ssh::command(t, {"true"}));
    if (r.ok()) return;
    std::string why = first_line(r.err.empty() ? r.out : r.err);
    if (r.exit_code != 255)
      throw Error("wait for SSH on " + t.destination() + " port " + t.port + ": 'true' failed (exit " + std::to_string(r.exit_code) +
                      "): " + why,
                  "the VM's login shell must run commands for ssh");
    if (std::chrono::steady_clock::now() >= deadline)
      throw Error("wait for SSH on " + t.destination() + " port " + t.port + ": not reachable after " +
                      std::to_string(std::chrono::duration_cast<std::chrono::seconds>(limit).count()) + "s: " + why,
                  "check the VM (provider status), its firewall for port " + t.port + " and the key " +
                      (t.key.empty() ? std::string("(ssh's default)") : t.key) + "; --timeout waits longer");
    std::this_thread::sleep_for(2s);
  }
}

// The expose proxy: nginx on the VM passing ports 80 and 443 through to the
// first load-balancer address (TLS untouched: the cluster's gateway keeps
// its certificates). Recreated when its config changes (a label holds the
// config's hash), else left alone.
void expose(Runner& run, const EffectiveSpec& eff, const std::string& domain, const ssh::Target& t) {
  ExecOptions o;
  o.env["DOCKER_HOST"] = t.docker_host();
  const std::string name = *eff.spec.name + "-proxy";
  std::string backend = eff.pool ? eff.pool->first.str() : "127.0.0.1";
  std::string conf = "# The expose proxy of " + domain + " (kubectl lo provision --remote): ports 80 and 443 of the VM\n" +
                     "# passed through to the cluster's first load-balancer address, TLS untouched.\n" +
                     "events {}\nstream {\n  server { listen 80; proxy_pass " + backend + ":80; }\n" +
                     "  server { listen 443; proxy_pass " + backend + ":443; }\n}\n";
  std::string hash = sha256_hex(conf).substr(0, 16);
  fs::path file = t.state / "expose-nginx.conf";
  run.write_file("expose proxy config", file, conf);
  ExecResult r = run.query({"docker", "inspect", name, "--format", "{{index .Config.Labels \"lok8s.expose\"}}"}, o);
  if (r.ok() && trim(r.out) == hash) return;
  if (r.ok()) run.change("remove the outdated expose proxy " + name, {"docker", "rm", "--force", name}, o);
  run.change("create the expose proxy " + name,
             {"docker", "create", "--restart=always", "--name", name, "--network", *eff.spec.network.name, "-p", "80:80", "-p",
              "443:443", "--label", "lok8s.expose=" + hash, "nginx:1.27-alpine"},
             o);
  run.change("copy the proxy config into " + name, {"docker", "cp", file.string(), name + ":/etc/nginx/nginx.conf"}, o);
  run.change("start the expose proxy " + name, {"docker", "start", name}, o);
}

std::vector<std::string> sibling_args(const Context& c, const std::string& verb) {
  std::vector<std::string> a{verb, c.domain.ref.name, "--root", c.ws.root.string()};
  if (c.verbosity) a.push_back("-v=" + std::to_string(c.verbosity));
  return a;
}

std::vector<std::string> tunnel_args(const ssh::Target& t) {
  std::vector<std::string> a{"--tunnel", t.destination() + ":" + t.port};
  if (!t.key.empty()) {
    a.push_back("--tunnel-key");
    a.push_back(t.key);
  }
  return a;
}

// docker mode: this machine's lo-registry and lo-kind on the VM's daemon.
void docker_mode(Runner& run, const Context& c, const Settings& st, const ssh::Target& t, const EffectiveSpec& eff) {
  ExecOptions o;
  o.env["DOCKER_HOST"] = t.docker_host();
  if (!c.dry_run) {
    ExecResult r = run.query({"docker", "info", "--format", "{{.ServerVersion}}"}, o);
    if (!r.ok() || first_line(r.out).empty())
      throw Error("the VM's Docker daemon does not answer at DOCKER_HOST=" + t.docker_host() + ": " +
                      first_line(r.err.empty() ? r.out : r.err),
                  "docker reaches it with plain ssh (your ~/.ssh/config, ssh-agent and known_hosts, not lo's options): "
                  "run 'ssh-add " + (t.key.empty() ? std::string("KEY") : t.key) + "' and 'ssh -p " + t.port + " " +
                      t.destination() + " docker info' once, and check that Docker runs there");
  }
  // lo-registry, lo-kind and their docker and kind calls all see it.
  ::setenv("DOCKER_HOST", t.docker_host().c_str(), 1);
  run.note("docker mode: the steps below run on the VM's Docker daemon, DOCKER_HOST=" + t.docker_host());
  auto up = sibling_args(c, "up");
  auto create = sibling_args(c, "create");
  if (c.dry_run) {
    up.push_back("--dry-run");
    create.push_back("--dry-run");
  }
  auto tun = tunnel_args(t);
  create.insert(create.end(), tun.begin(), tun.end());
  if (int rc = run_sibling("lo-registry", up))
    throw Error("registries of " + c.domain.ref.name + " on " + t.destination() + " failed (lo-registry exit " + std::to_string(rc) + ")");
  if (int rc = run_sibling("lo-kind", create))
    throw Error("kind cluster of " + c.domain.ref.name + " on " + t.destination() + " failed (lo-kind exit " + std::to_string(rc) + ")");
  if (st.expose) expose(run, eff, c.domain.ref.name, t);
}

// ci mode: the VM provisions itself from a copy of the project.
void ci_mode(Runner& run, const Context& c, const Settings& st, const ssh::Target& t, const EffectiveSpec& eff) {
  const std::string& domain = c.domain.ref.name;
  if (!c.dry_run) {
    ExecResult r = run.query(ssh::command(t, {"kubectl-lo", "version"}));
    if (!r.ok())
      throw Error("kubectl-lo is not installed on the VM " + t.destination() + " (ssh: kubectl-lo version, exit " +
                      std::to_string(r.exit_code) + "): " + first_line(r.err.empty() ? r.out : r.err),
                  "install lo on the VM (the release archive, README 'Install'; the provider's cloud-init can do it) and put "
                  "kubectl-lo on the PATH of non-interactive ssh sessions");
  }
  run.change("make " + st.sync_dest + " on " + t.destination(), ssh::command(t, {"mkdir", "-p", st.sync_dest}));
  fs::path src = (c.ws.root / st.sync_path).lexically_normal();
  std::string src_text = src.string();
  while (src_text.size() > 1 && src_text.back() == '/') src_text.pop_back();
  std::vector<std::string> rsync{"rsync", "-az", "--delete"};
  for (const auto& e : st.excludes) rsync.push_back("--exclude=" + e);
  // lo's own state of the domain stays here: the provider's (its private
  // key too) and the ssh state with the tunnel's socket.
  rsync.insert(rsync.end(), {"--exclude=.provider", "--exclude=.remote"});
  rsync.insert(rsync.end(), {"-e", ssh::rsync_shell(t), src_text + "/", t.destination() + ":" + st.sync_dest + "/"});
  ExecOptions slow;
  slow.timeout = 30min;
  run.change("sync the project to " + t.destination() + ":" + st.sync_dest, rsync, slow);
  // A clusters folder outside the synced tree ($PATH_CLUSTERS) goes to <dest>/clusters.
  auto rel = fs::relative(c.ws.clusters, src);
  if (rel.empty() || *rel.begin() == "..") {
    std::vector<std::string> clusters{"rsync", "-az", "--delete", "-e", ssh::rsync_shell(t), c.ws.clusters.string() + "/",
                                      t.destination() + ":" + st.sync_dest + "/clusters/"};
    run.change("sync the clusters folder to " + t.destination(), clusters, slow);
  }
  std::vector<std::string> provision{"kubectl-lo", "provision", domain, "--root", st.sync_dest};
  if (c.force) provision.push_back("--force");
  if (c.verbosity) provision.push_back("-v=" + std::to_string(c.verbosity));
  ExecOptions stream;
  stream.inherit_stdout = true;
  stream.inherit_stderr = true;
  stream.timeout = c.timeout.value_or(std::chrono::milliseconds(60min));
  run.change("provision " + domain + " on the VM " + t.destination(), ssh::command(t, provision), stream);
  if (st.tilt)
    run.change("Tilt on the VM " + t.destination(), ssh::command(t, {"kubectl-lo", "tilt", "up", domain, "--root", st.sync_dest}),
               stream);
  if (st.expose) expose(run, eff, domain, t);
  // The kubeconfig the VM wrote, pointed at the tunnel.
  std::string remote_kubeconfig = st.sync_dest + "/.kubeconfig/" + *eff.spec.name + ".yaml";
  std::string port = "<port>", api_host = "<api_host>";
  run.step("write", c.kubeconfig().string() + " (0600)", [&] {
    ExecResult r = run.query(ssh::command(t, {"cat", remote_kubeconfig}));
    if (!r.ok())
      throw Error("fetching " + remote_kubeconfig + " from " + t.destination() + " failed (exit " + std::to_string(r.exit_code) +
                      "): " + first_line(r.err),
                  "the provision on the VM should have written it; look at its output above");
    auto tun = ssh::tunnel_kubeconfig(r.out, t.destination() + ":" + remote_kubeconfig);
    write_file_atomic(c.kubeconfig(), tun.kubeconfig, fs::perms(0600));
    port = tun.port;
    api_host = tun.api_host;
  });
  ssh::ensure_tunnel(run, t, port, api_host);
}

class RemoteLoDriver : public Driver {
 public:
  std::string name() const override { return "Lo --remote (built in)"; }

  int provision(const Context& c) override {
    Settings st = settings(c);
    EffectiveSpec eff = effective_spec(c.domain.spec);
    auto infra = provider::provider_for(c);
    Context real = for_real(c);
    infra->validate(real);  // credentials and tools, in a dry run too: it changes nothing
    std::optional<PlanState> plan;  // one plan over kubectl-lo, lo-registry and lo-kind
    if (c.dry_run) plan.emplace();
    Runner run(c.dry_run, c.dry_run ? std::cout : std::cerr);
    run.note("remote " + st.mode + " mode: the VM of " + c.domain.ref.name + " comes from provider " + infra->name());
    infra->provision(c);  // its own step: "run: lo-provider-<name> provision ..." or the built-in's plan
    std::optional<Json> inv;
    fs::path inv_file = provider::inventory_file(c.ws, c.domain);
    if (!c.dry_run || infra->status(real) != "NotFound") {
      Json j = infra->output(real);
      provider::check_inventory(j, infra->name() + " output");
      run.write_file("inventory of provider " + infra->name(), inv_file, j.dump(2) + "\n");
      inv = std::move(j);
    } else {
      run.plan_write("inventory of provider " + infra->name() + " (the VM's address)", inv_file);
    }
    ssh::Target t = vm_of(c, inv ? &*inv : nullptr);
    run.write_file("keep the VM's ssh state out of git", t.state / ".gitignore", "*\n");
    if (!c.dry_run) wait_for_ssh(run, c, t);
    if (st.mode == "ci") {
      ci_mode(run, c, st, t, eff);
      return kProvisionHandledAll;
    }
    docker_mode(run, c, st, t, eff);
    return 0;
  }

  bool post_provision(const Context&) override { return false; }

  // The tunnel stops, the provider removes the VM (and the cluster on it),
  // the local state goes.
  void destroy(const Context& c) override {
    settings(c);
    auto infra = provider::provider_for(c);
    Context real = for_real(c);
    Runner run(c.dry_run, c.dry_run ? std::cout : std::cerr);
    std::error_code ec;
    if (auto inv = read_inventory(c)) ssh::stop_tunnel(run, vm_of(c, &*inv));
    if (fs::exists(c.kubeconfig(), ec)) run.remove("kubeconfig", c.kubeconfig());
    infra->destroy(c);
    if (fs::path f = provider::inventory_file(c.ws, c.domain); fs::exists(f, ec)) run.remove("inventory", f);
    if (fs::path s = ssh::state_dir(c.ws, c.domain.ref.name); fs::exists(s, ec)) run.remove("the VM's ssh state", s);
  }

  // NotFound without the VM; else the cluster's status on it.
  std::string status(const Context& c) override {
    Settings st = settings(c);
    auto infra = provider::provider_for(c);
    if (infra->status(for_real(c)) == "NotFound") return "NotFound";
    auto inv = read_inventory(c);
    if (!inv) return "NotFound";
    ssh::Target t = vm_of(c, &*inv);
    std::vector<std::string> argv;
    ExecOptions o;
    if (st.mode == "ci") {
      argv = ssh::command(t, {"kubectl-lo", "status", c.domain.ref.name, "--root", st.sync_dest});
    } else {
      argv = {sibling_program("lo-kind"), "status", c.domain.ref.name, "--root", c.ws.root.string()};
      o.env["DOCKER_HOST"] = t.docker_host();
    }
    ExecResult r = run(argv, o);
    if (!r.ok()) return "Unknown";
    std::string out = trim(r.out);
    return out.substr(out.rfind('\n') == std::string::npos ? 0 : out.rfind('\n') + 1);
  }

  // docker mode: written by lo-kind through the tunnel; ci mode: the copy
  // provision fetched.
  std::string kubeconfig(const Context& c) override {
    Settings st = settings(c);
    if (st.mode == "ci") return c.kubeconfig().string();
    auto inv = read_inventory(c);
    if (!inv)
      throw Error("no inventory of the VM of " + c.domain.ref.name, "run 'kubectl lo provision --remote " + c.domain.ref.name + "' first");
    ssh::Target t = vm_of(c, &*inv);
    std::vector<std::string> argv{sibling_program("lo-kind"), "kubeconfig", c.domain.ref.name, "--root", c.ws.root.string()};
    auto tun = tunnel_args(t);
    argv.insert(argv.end(), tun.begin(), tun.end());
    ExecOptions o;
    o.env["DOCKER_HOST"] = t.docker_host();
    o.inherit_stderr = true;
    ExecResult r = run(argv, o);
    if (!r.ok()) throw Error("lo-kind kubeconfig (on " + t.destination() + ") failed (exit " + std::to_string(r.exit_code) + ")");
    return trim(r.out);
  }
};

}  // namespace

std::unique_ptr<Driver> remote_lo_driver() { return std::make_unique<RemoteLoDriver>(); }

void check_remote_spec(const Context& c) { settings(c); }

}  // namespace lo::driver
