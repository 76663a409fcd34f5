// The checks of `kubectl lo doctor` (doctor.hpp). Each reads state only:
// tools' version commands, `docker network inspect`, /proc/net/route, a
// bind() on a host port, statvfs. Nothing is changed, nothing is sent
// anywhere but 127.0.0.1.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "doctor.hpp"
#include "lo/certs.hpp"
#include "lo/docker.hpp"
#include "lo/exec.hpp"
#include "lo/log.hpp"
#include "lo/spec.hpp"
#include "lo/trust.hpp"
#include "lo/yaml_json.hpp"

namespace lo::cmd::doctor {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

Check ok(std::string name, std::string detail) { return {std::move(name), Status::Ok, std::move(detail), {}}; }
Check warn(std::string name, std::string detail, std::string fix) {
  return {std::move(name), Status::Warn, std::move(detail), std::move(fix)};
}
// A fail where lo cannot work without it, a warn where it can.
Check bad(bool required, std::string name, std::string detail, std::string fix) {
  return {std::move(name), required ? Status::Fail : Status::Warn, std::move(detail), std::move(fix)};
}

ExecResult ask(const std::vector<std::string>& argv) {
  ExecOptions o;
  o.timeout = 15s;
  try {
    return run(argv, o);
  } catch (const Error& e) {
    ExecResult r;
    r.err = e.what();
    return r;
  }
}

std::string first_line(const std::string& s) {
  std::string line = s.substr(0, s.find('\n'));
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

// The first word of `s` that starts with "v" and a digit ("kind v0.27.0 go1.23" -> v0.27.0).
std::string version_word(const std::string& s) {
  std::istringstream in(s);
  for (std::string w; in >> w;) {
    while (!w.empty() && (w.back() == ',' || w.back() == ';')) w.pop_back();
    if (w.size() > 1 && w[0] == 'v' && std::isdigit(static_cast<unsigned char>(w[1]))) return w;
  }
  return {};
}

// "v1.32.3" -> {1, 32}; {0, 0} when it is not a version.
std::pair<int, int> major_minor(const std::string& v) {
  int major = 0, minor = 0;
  if (std::sscanf(v.c_str(), "v%d.%d", &major, &minor) != 2) return {0, 0};
  return {major, minor};
}

// An optional tool: present with its version, or a warning with where to get it.
void tool(const std::string& name, const std::vector<std::string>& argv, bool required, const std::string& why,
          const std::string& install, std::vector<Check>& out) {
  if (!find_program(argv[0])) {
    out.push_back(bad(required, name, "not installed (" + why + ")", install));
    return;
  }
  ExecResult r = ask(argv);
  std::string v = version_word(r.out + " " + r.err);
  if (!r.ok() || v.empty())
    out.push_back(warn(name, "installed, but `" + argv_to_display(argv) + "` gave no version: " + first_line(r.err.empty() ? r.out : r.err),
                       "check the installation: " + install));
  else out.push_back(ok(name, v));
}

// Is `port` taken on the host? A bind on every address that fails with
// EADDRINUSE says so at once. Where this user may not bind it (a port
// below 1024 without root) a connect to 127.0.0.1 tells, non-blocking with
// a short timeout: a listener whose queue is full answers no SYN.
bool port_busy(int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0) return false;
  int one = 1;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  int rc = bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a), err = errno;
  close(s);
  if (rc == 0) return false;
  if (err == EADDRINUSE) return true;
  s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (s < 0) return false;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool busy = connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  if (!busy && errno == EINPROGRESS) {
    pollfd p{s, POLLOUT, 0};
    if (poll(&p, 1, 500) == 0) busy = true;  // no answer in time: a full queue
    else {
      int so = 0;
      socklen_t len = sizeof so;
      busy = getsockopt(s, SOL_SOCKET, SO_ERROR, &so, &len) == 0 && so == 0;
    }
  }
  close(s);
  return busy;
}

bool overlap(const Cidr& a, const Cidr& b) { return a.contains(b.network()) || b.contains(a.network()); }

struct Route {
  std::string iface;
  Cidr dest;
};

// IPv4 routes of the host (/proc/net/route), the default route left out.
std::vector<Route> host_routes() {
  std::vector<Route> out;
  std::ifstream in("/proc/net/route");
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string iface, dest, gw, flags, refcnt, use, metric, mask;
    if (!(f >> iface >> dest >> gw >> flags >> refcnt >> use >> metric >> mask)) continue;
    uint32_t d = static_cast<uint32_t>(std::strtoul(dest.c_str(), nullptr, 16));
    uint32_t m = static_cast<uint32_t>(std::strtoul(mask.c_str(), nullptr, 16));
    if (m == 0) continue;
    Cidr c;
    c.address.value = ntohl(d);
    c.prefix = __builtin_popcount(m);
    out.push_back({iface, c});
  }
  return out;
}

}  // namespace

void project(const std::optional<std::string>& root, const std::optional<std::string>& domain_flag,
             const std::vector<std::string>& positionals, Scene& scene, std::vector<Check>& out) {
  try {
    scene.ws = find_workspace(root);
  } catch (const Error&) {
    out.push_back(warn("project", "no lo project here (no clusters/ folder in this folder or above)",
                       "run 'kubectl lo init' in the project's folder, or pass --root"));
    return;
  }
  const Workspace& ws = *scene.ws;
  out.push_back(ok("project", ws.show(ws.clusters) + " in " + ws.root.string()));
  if (auto active = read_active_domain(ws); active && !find_domain(ws, *active))
    out.push_back(bad(true, "active domain", ws.show(ws.clusters / ".active") + " names '" + *active + "', which has no spec",
                      "'kubectl lo use DOMAIN' to pick one that exists, or remove " + ws.show(ws.clusters / ".active")));
  try {
    scene.domain = choose_domain(ws, domain_flag, positionals, false).domain;
  } catch (const Error& e) {
    out.push_back(bad(true, "domain", e.what(), "kubectl lo use"));
    return;
  }
  for (const auto& d : list_domains(ws)) {
    bool chosen = d.name == scene.domain;
    try {
      LoadedDomain ld = load_domain(ws, d.name);
      if (ld.spec.kind == SpecKind::Lo) {
        EffectiveSpec eff = effective_spec(ld.spec);
        if (chosen) scene.eff = std::move(eff);
      }
      if (chosen) {
        scene.lo_domain = ld.spec.kind == SpecKind::Lo;
        out.push_back(ok("spec " + d.name, ws.show(d.spec_file) + " (" + ld.spec.kindText + ")"));
      }
    } catch (const Error& e) {
      std::string first = e.problems().empty() ? e.what() : format_problem(e.problems().front());
      out.push_back(bad(chosen, "spec " + d.name, first_line(first), "kubectl lo lint " + d.name));
    }
  }
  if (!find_domain(ws, scene.domain))
    out.push_back(bad(true, "spec " + scene.domain, "no " + std::string(kClusterSpecFile) + " or " + kDeploySpecFile + " in " +
                                                        ws.show(ws.domain_dir(scene.domain)),
                      scene.domain == kDefaultDomain ? "kubectl lo init" : "kubectl lo use (lists the domains there are)"));
}

void tools(const Scene& scene, std::vector<Check>& out, bool& docker_answers) {
  const char* kp = std::getenv("KUBECTL_PATH");
  std::string kubectl = kp && *kp ? kp : "kubectl";
  if (!find_program(kubectl)) {
    out.push_back(bad(true, "kubectl", "not installed", "install kubectl >= 1.26: https://kubernetes.io/docs/tasks/tools/"));
  } else {
    ExecResult r = ask({kubectl, "version", "--client", "-o", "json"});
    std::string v;
    if (r.ok()) {
      Json j = Json::parse(r.out, nullptr, false);
      if (j.is_object() && j.contains("clientVersion") && j["clientVersion"].contains("gitVersion"))
        v = j["clientVersion"]["gitVersion"].get<std::string>();
    }
    auto [major, minor] = major_minor(v);
    if (v.empty()) out.push_back(bad(true, "kubectl", "`kubectl version --client` failed: " + first_line(r.err), "reinstall kubectl"));
    else if (major == 1 && minor < 26)
      out.push_back(warn("kubectl", v + " (older than 1.26: `kubectl lo <TAB>` does not complete)", "upgrade kubectl to >= 1.26"));
    else out.push_back(ok("kubectl", v));
  }

  docker_answers = false;
  if (!find_program("docker")) {
    out.push_back(bad(scene.lo_domain, "docker", "not installed (a Lo domain's kind cluster and registries run on it)",
                      "install Docker Engine (https://docs.docker.com/engine/install/) or Docker Desktop"));
  } else {
    ExecResult r = ask({"docker", "version", "--format", "{{.Server.Version}}"});
    std::string v = first_line(r.out);
    if (r.ok() && !v.empty()) {
      docker_answers = true;
      out.push_back(ok("docker", "daemon answers, Docker Engine " + v));
    } else {
      std::string why = first_line(r.err.empty() ? r.out : r.err);
      out.push_back(bad(scene.lo_domain, "docker", "the daemon does not answer: " + why,
                        "start it (sudo systemctl start docker, or Docker Desktop) and make sure this user may use it "
                        "(the docker group), or set DOCKER_HOST"));
    }
  }
  tool("kind", {"kind", "version"}, scene.lo_domain, "a Lo domain's cluster is a kind cluster",
       "install kind >= 0.20: https://kind.sigs.k8s.io/docs/user/quick-start/#installation", out);
  tool("tilt", {"tilt", "version"}, false, "needed by 'kubectl lo up' and 'kubectl lo tilt' only",
       "install Tilt: https://docs.tilt.dev/install.html", out);
  tool("helm", {"helm", "version", "--short"}, false, "needed only for chart addons of spec.bootstrap",
       "install helm 3: https://helm.sh/docs/intro/install/", out);
}

void ca(const Scene& scene, std::vector<Check>& out) {
  bool tls = scene.eff && scene.eff->spec.registries.tls.value_or(true);
  fs::path root;
  try {
    root = certs::ca_root();
  } catch (const Error& e) {
    out.push_back(bad(tls, "development CA", e.what(), "set HOME or CAROOT"));
    return;
  }
  fs::path pem = root / "rootCA.pem";
  std::optional<certs::Ca> ca;
  try {
    ca = certs::load_ca(root);
  } catch (const Error& e) {
    out.push_back(bad(tls, "development CA", first_line(e.what()),
                      "fix or remove " + root.string() + " (rootCA.pem and rootCA-key.pem belong together)"));
    return;
  }
  if (!ca) {
    out.push_back(warn("development CA", "none yet at " + pem.string(),
                       "'kubectl lo trust' creates and trusts it ('kubectl lo provision' creates it)"));
    return;
  }
  auto trusted = trust::system_trusts(trust::layout(), pem);
  if (!trusted)
    out.push_back(warn("development CA", pem.string() + "; whether the system store trusts it cannot be told here",
                       "kubectl lo trust"));
  else if (!*trusted)
    out.push_back(warn("development CA", pem.string() + " is not trusted by the system store" +
                                             (tls ? " (registry TLS is on: docker push and curl refuse it)" : ""),
                       "kubectl lo trust"));
  else out.push_back(ok("development CA", pem.string() + ", trusted by the system store"));
}

void ports(const Scene& scene, bool docker_answers, std::vector<Check>& out) {
  if (!scene.eff) return;
  if (!scene.eff->spec.nodes.hostPorts.value_or(false)) {
    out.push_back(ok("host ports", "not mapped (spec.nodes.hostPorts: false)"));
    return;
  }
  std::string node = scene.eff->spec.name.value_or("") + "-control-plane";
  std::string published;
  if (docker_answers) {
    ExecResult r = ask({"docker", "ps", "--filter", "name=^" + node + "$", "--format", "{{.Ports}}"});
    if (r.ok()) published = r.out;
  }
  for (int p : {80, 443, 8080}) {
    std::string name = "port " + std::to_string(p);
    if (!port_busy(p)) out.push_back(ok(name, "free"));
    else if (published.find(":" + std::to_string(p) + "->") != std::string::npos)
      out.push_back(ok(name, "published by this domain's node " + node));
    else
      out.push_back(bad(true, name, "in use on this host: the domain maps it (spec.nodes.hostPorts)",
                        "stop what listens there (ss -ltnp 'sport = :" + std::to_string(p) +
                            "' names it), or set spec.nodes.hostPorts: false"));
  }
}

void networks(const Scene& scene, bool docker_answers, std::vector<Check>& out) {
  if (!scene.eff) return;
  const EffectiveSpec& eff = *scene.eff;
  docker::NetworkPlan mine = docker::project_network(eff, scene.domain);
  docker::NetworkPlan shared = docker::shared_network(eff);
  std::vector<std::string> clashes;
  std::vector<Cidr> docker_subnets;
  if (docker_answers) {
    ExecResult ls = ask({"docker", "network", "ls", "--format", "{{.Name}}"});
    std::istringstream names(ls.out);
    for (std::string n; std::getline(names, n);) {
      if (n.empty()) continue;
      ExecResult r = ask({"docker", "network", "inspect", "--format", "{{range .IPAM.Config}}{{.Subnet}} {{end}}", n});
      std::istringstream subnets(r.out);
      for (std::string s; subnets >> s;) {
        auto c = parse_cidr(s);
        if (!c) continue;  // IPv6
        docker_subnets.push_back(*c);
        if (n == mine.name || n == shared.name) continue;
        if (overlap(*c, mine.subnet)) clashes.push_back("Docker network " + n + " (" + s + ") overlaps " + mine.subnet.str());
        if (overlap(*c, shared.subnet)) clashes.push_back("Docker network " + n + " (" + s + ") overlaps the shared registry network " + shared.subnet.str());
      }
    }
  }
  for (const auto& r : host_routes()) {
    if (r.iface == mine.name) continue;  // the domain's own bridge
    bool docker_route = false;           // a Docker bridge: judged above
    for (const auto& d : docker_subnets) docker_route = docker_route || (d.network() == r.dest.network() && d.prefix == r.dest.prefix);
    if (docker_route) continue;
    for (const Cidr* c : {&mine.subnet, &shared.subnet})
      if (overlap(r.dest, *c))
        clashes.push_back("host route " + r.dest.str() + " via " + r.iface + " overlaps " + c->str());
  }
  std::string what = mine.subnet.str() + " (network " + mine.name + "), shared " + shared.subnet.str();
  if (clashes.empty()) out.push_back(ok("network", what + ": no overlap" + (docker_answers ? "" : " with host routes (Docker not asked)")));
  else
    out.push_back(bad(true, "network", join(clashes, "; "),
                      "pick a free spec.network.cidr (and spec.registries.shared.network.cidr), or remove the other network"));
}

void disk(bool docker_answers, std::vector<Check>& out) {
  std::string dir = "/var/lib/docker";
  if (docker_answers && !docker::remote_daemon()) {
    ExecResult r = ask({"docker", "info", "--format", "{{.DockerRootDir}}"});
    std::string d = first_line(r.out);
    if (r.ok() && !d.empty() && d[0] == '/') dir = d;
  }
  std::error_code ec;
  while (!fs::exists(dir, ec) && fs::path(dir).has_parent_path() && dir != "/") dir = fs::path(dir).parent_path().string();
  struct statvfs st{};
  if (statvfs(dir.c_str(), &st) != 0) {
    out.push_back(warn("disk", "cannot read the free space of " + dir, "check that there is room for images (10 GB)"));
    return;
  }
  double gib = static_cast<double>(st.f_bavail) * static_cast<double>(st.f_frsize) / (1024.0 * 1024 * 1024);
  char text[64];
  std::snprintf(text, sizeof text, "%.1f GiB free on %s", gib, dir.c_str());
  if (gib < 10) out.push_back(warn("disk", text, "free some space: a kind node image is ~1 GB, registries cache more (docker system prune)"));
  else out.push_back(ok("disk", text));
}

}  // namespace lo::cmd::doctor
