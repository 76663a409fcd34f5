// lo-kind create / delete / status / kubeconfig: the kind cluster of a Lo
// domain, as an ordered list of idempotent steps (kind's model). Each step
// reads the current state first, so a second create changes nothing.
#include <unistd.h>

#include <iostream>
#include <sstream>

#include "kind.hpp"
#include "lo/docker.hpp"
#include "lo/fs.hpp"
#include "lo/log.hpp"
#include "lo/runner.hpp"
#include "lo/ssh.hpp"
#include "lo/yaml_json.hpp"

namespace lo::kind {
namespace fs = std::filesystem;

namespace {

struct Common {
  Workspace ws;
  Target target;
  bool dry_run = false;
  // --tunnel: the cluster runs on a VM's Docker daemon (kubectl lo provision
  // --remote, docker mode); its API is reached through an ssh tunnel.
  std::optional<ssh::Target> tunnel;
};

void dry_run_flags(cli::Options& o) {
  cli::domain_flag(o);
  o.add_options()("dry-run", cli::boolean(), "print the exact ordered plan and change nothing");
}

// kubectl lo provision --remote (docker mode) passes these.
void tunnel_flags(cli::Options& o) {
  o.add_options()
      ("tunnel", cli::text("USER@HOST[:PORT]"),
       "the cluster is on this VM's Docker daemon (DOCKER_HOST=ssh://...): the kubeconfig goes through an ssh tunnel")
      ("tunnel-key", cli::text("FILE", cli::Complete::File), "the private key for --tunnel");
}

void create_flags(cli::Options& o) {
  dry_run_flags(o);
  tunnel_flags(o);
}

void kubeconfig_flags(cli::Options& o) {
  cli::domain_flag(o);
  tunnel_flags(o);
}

Common setup(const cli::Args& a) {
  Workspace ws = find_workspace(a.get("root"));
  auto choice = choose_domain(ws, a.get("domain"), a.positionals(), false);
  Common c{ws, load_target(ws, choice.domain), a.has("dry-run"), std::nullopt};
  if (auto dest = a.get("tunnel")) {
    c.tunnel = ssh::parse_destination(*dest, "--tunnel");
    c.tunnel->key = a.get("tunnel-key").value_or("");
    c.tunnel->state = ssh::state_dir(ws, choice.domain);
  } else if (a.get("tunnel-key")) {
    throw UsageError("--tunnel-key needs --tunnel", "give --tunnel USER@HOST[:PORT] too, or drop --tunnel-key");
  }
  return c;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (!trim(l).empty()) out.push_back(trim(l));
  return out;
}

bool cluster_exists(Runner& run, const std::string& name) {
  auto r = run.query({"kind", "get", "clusters"});
  if (r.exit_code == 127) {
    if (run.dry_run()) {
      run.note("kind is not installed; the plan assumes no cluster exists");
      return false;
    }
    throw Error("kind is not installed (not found on PATH)", "install kind: https://kind.sigs.k8s.io/docs/user/quick-start/#installation");
  }
  if (!r.ok()) {
    if (run.dry_run()) return false;
    throw Error("kind get clusters failed: " + trim(r.err));
  }
  for (const auto& l : lines(r.out))
    if (l == name) return true;
  return false;
}

// kind's node container names: <name>-control-plane, -control-plane2, ..., -worker, -worker2, ...
std::vector<std::string> predicted_nodes(const Target& t) {
  std::vector<std::string> out;
  for (int64_t i = 0; i < *t.eff.spec.nodes.controlPlane; ++i)
    out.push_back(t.cluster() + "-control-plane" + (i ? std::to_string(i + 1) : ""));
  for (int64_t i = 0; i < *t.eff.spec.nodes.workers; ++i) out.push_back(t.cluster() + "-worker" + (i ? std::to_string(i + 1) : ""));
  return out;
}

void attach_nodes(Runner& run, const Target& t, bool created_now) {
  if (!*t.eff.spec.registries.sharedEnabled) return;
  const std::string& shared = *t.eff.spec.registries.sharedNetworkName;
  std::vector<std::string> nodes;
  auto r = run.query({"kind", "get", "nodes", "--name", t.cluster()});
  if (r.ok()) nodes = lines(r.out);
  if (nodes.empty() && run.dry_run() && created_now) nodes = predicted_nodes(t);
  for (const auto& node : nodes) {
    auto nets = run.query({"docker", "inspect", node, "--format", "{{json .NetworkSettings.Networks}}"});
    if (nets.ok()) {
      try {
        if (Json::parse(nets.out).contains(shared)) continue;
      } catch (const std::exception&) {
      }
    }
    run.change("attach node " + node + " to " + shared, {"docker", "network", "connect", shared, node});
  }
}

// Writes the kubeconfig (0600) and returns its text; nullopt in a dry run
// of a cluster that does not exist yet (the write is planned). Through a
// tunnel, the server is the tunnel's local end, and the tunnel is started.
std::optional<std::string> write_kubeconfig(Runner& run, const Target& t, const std::optional<ssh::Target>& tunnel) {
  auto r = run.query({"kind", "get", "kubeconfig", "--name", t.cluster()});
  if (!r.ok()) {
    if (run.dry_run()) {
      run.plan_write("kubeconfig of cluster " + t.cluster(), t.kubeconfig(), fs::perms(0600));
      if (tunnel) ssh::ensure_tunnel(run, *tunnel, "<port>", "<api_host>");
      return std::nullopt;
    }
    throw Error("kind get kubeconfig --name " + t.cluster() + " failed: " + trim(r.err));
  }
  std::string text = r.out;
  std::optional<ssh::Tunnelled> via;
  if (tunnel) {
    via = ssh::tunnel_kubeconfig(text, "kind get kubeconfig --name " + t.cluster());
    text = via->kubeconfig;
  }
  run.write_file("kubeconfig of cluster " + t.cluster(), t.kubeconfig(), text, fs::perms(0600));
  if (via) ssh::ensure_tunnel(run, *tunnel, via->port, via->api_host);
  return text;
}

bool same_content(const fs::path& path, const std::string& content) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return false;
  try {
    return read_file(path, 1 << 20) == content;
  } catch (const Error&) {
    return false;
  }
}

// A file removed when it goes out of scope.
struct TempFile {
  fs::path path;
  ~TempFile() {
    std::error_code ec;
    if (!path.empty()) fs::remove(path, ec);
  }
};

// The OIDC authentication config: kind bind-mounts this one file into the
// control-plane node (and kubeadm into the API server), so it is written in
// place (same inode); with spec.oidc off an existing one gets no
// authenticators. A cluster made without it never reads it: say so.
void write_oidc(Runner& run, const Target& t, bool cluster_exists) {
  std::error_code ec;
  bool existed = fs::exists(t.oidc_config(), ec);
  if (!oidc_enabled(t.eff.spec) && !existed) return;
  run.write_file_in_place(oidc_enabled(t.eff.spec) ? "OIDC authentication config" : "OIDC authentication config (spec.oidc is off)",
                          t.oidc_config(), render_oidc_config(t.eff.spec));
  if (oidc_enabled(t.eff.spec) && !existed && cluster_exists)
    run.warn("lo-kind",
             "kind cluster " + t.cluster() + " was created without OIDC, so its API server does not read " +
                 t.ws.show(t.oidc_config()),
             "OIDC is wired when the cluster is created: 'kubectl lo destroy " + t.domain + "' and provision again");
}

int create(const cli::Args& a) {
  Common c = setup(a);
  const Target& t = c.target;
  Runner run(c.dry_run);
  if (c.dry_run) run.note("plan for kind cluster " + t.cluster() + " of " + t.domain + " (nothing is changed)");
  // The same network lo-registry makes (one definition: lo/docker.hpp); in
  // a dry run of `kubectl lo provision`, the plan already has it.
  // The shared registry network too, when nodes join it (lo-registry up
  // makes it; lo-kind create on its own must not fail on its absence).
  docker::Docker docker(run);
  docker.ensure_network(docker::project_network(t.eff, t.domain));
  if (*t.eff.spec.registries.sharedEnabled) docker.ensure_network(docker::shared_network(t.eff));
  std::error_code ec;
  if (!c.dry_run) fs::create_directories(t.certs_d(), ec);
  write_certs_d(run, t, t.certs_d());
  bool existed = cluster_exists(run, t.cluster());
  write_oidc(run, t, existed);
  if (!existed) {
    ExecOptions o;
    o.env["KIND_EXPERIMENTAL_DOCKER_NETWORK"] = t.network();
    o.stdin_data = render_config(t);
    o.timeout = std::chrono::minutes(10);
    run.change("create kind cluster " + t.cluster(), {"kind", "create", "cluster", "--name", t.cluster(), "--config", "-"}, o);
  }
  attach_nodes(run, t, !existed);
  auto kubeconfig = write_kubeconfig(run, t, c.tunnel);
  if (!kubeconfig) {
    ClusterObjects planned;  // the cluster kind would create
    apply_cluster_objects(run, t, planned);
  } else if (!c.dry_run || same_content(t.kubeconfig(), *kubeconfig)) {
    ClusterObjects live(t.kubeconfig());
    apply_cluster_objects(run, t, live);
  } else {
    // A dry run whose kubeconfig file is missing or stale: read the cluster
    // through a private copy of what kind hands out.
    TempFile tmp{fs::temp_directory_path() / ("lo-kind-kubeconfig." + std::to_string(::getpid()) + ".yaml")};
    write_file_atomic(tmp.path, *kubeconfig, fs::perms(0600));
    ClusterObjects live(tmp.path);
    apply_cluster_objects(run, t, live);
  }
  if (!c.dry_run) log::note("kind cluster " + t.cluster() + " is ready; kubeconfig: " + t.kubeconfig().string());
  return kExitOk;
}

int delete_cluster(const cli::Args& a) {
  Common c = setup(a);
  Runner run(c.dry_run);
  if (!cluster_exists(run, c.target.cluster())) {
    log::note("kind cluster " + c.target.cluster() + " does not exist; nothing to delete");
    return kExitOk;
  }
  run.change("delete kind cluster " + c.target.cluster(), {"kind", "delete", "cluster", "--name", c.target.cluster()});
  return kExitOk;
}

int status(const cli::Args& a) {
  Common c = setup(a);
  Runner run(false);
  std::cout << (cluster_exists(run, c.target.cluster()) ? "Running" : "NotFound") << "\n";
  return kExitOk;
}

int kubeconfig(const cli::Args& a) {
  Common c = setup(a);
  std::ostringstream quiet;
  Runner run(false, quiet);
  if (!cluster_exists(run, c.target.cluster()))
    throw Error("kind cluster " + c.target.cluster() + " does not exist", "create it with 'kubectl lo provision " + c.target.domain + "'");
  write_kubeconfig(run, c.target, c.tunnel);
  std::cout << c.target.kubeconfig().string() << "\n";
  return kExitOk;
}

}  // namespace

const cli::Command create_command{
    .name = "create",
    .summary = "Create the network, certs.d, kind cluster, kubeconfig and registry ConfigMaps",
    .usage = "[DOMAIN] [--dry-run]",
    .about = "Create the kind cluster of a Lo domain: its Docker network, the containerd certs.d tree,\n"
             "the cluster (skipped when it exists), nodes joined to the shared registry network, the\n"
             "kubeconfig (0600), and the registry and DNS ConfigMaps. Idempotent.",
    .flags = create_flags,
    .run = create,
    .words = cli::Words::Domain,
};

const cli::Command delete_command{
    .name = "delete",
    .summary = "Delete the kind cluster",
    .usage = "[DOMAIN] [--dry-run]",
    .about = "Delete the kind cluster of a Lo domain. Its network, registries, certs.d tree and\n"
             "kubeconfig stay (registries are lo-registry's).",
    .flags = dry_run_flags,
    .run = delete_cluster,
    .words = cli::Words::Domain,
};

const cli::Command status_command{
    .name = "status",
    .summary = "Print Running or NotFound",
    .usage = "[DOMAIN]",
    .about = "Print Running or NotFound for the kind cluster of a Lo domain.",
    .flags = cli::domain_flag,
    .run = status,
    .words = cli::Words::Domain,
};

const cli::Command kubeconfig_command{
    .name = "kubeconfig",
    .summary = "Write the kubeconfig (0600) and print its path",
    .usage = "[DOMAIN]",
    .about = "Write the kubeconfig of a Lo domain's kind cluster to .kubeconfig/<name>.yaml (0600)\n"
             "and print its path.",
    .flags = kubeconfig_flags,
    .run = kubeconfig,
    .words = cli::Words::Domain,
};

}  // namespace lo::kind
