// kubectl lo tilt up|down|status|ci [DOMAIN]: one Tilt per domain, running
// in the background (tilt_runtime.hpp). Argument parsing and messages; the
// process work is in tilt_runtime.cpp.
#include <algorithm>
#include <iostream>

#include "commands.hpp"
#include "lo/cli.hpp"
#include "lo/domain_cluster.hpp"
#include "lo/exec.hpp"
#include "lo/log.hpp"
#include "tilt_cmd.hpp"

namespace lo::cmd {
namespace fs = std::filesystem;

namespace {

const char* kUsage = R"(Run Tilt for a domain: one Tilt per domain, in the background.

Usage:
  kubectl lo tilt up [DOMAIN] [--port N] [-- TILTFILE_ARGS...]
  kubectl lo tilt down [DOMAIN]
  kubectl lo tilt status [DOMAIN] [-o json]
  kubectl lo tilt ci [DOMAIN] [--timeout DURATION] [-- TILTFILE_ARGS...]

up      starts 'tilt up' with the project's Tiltfile in the project root, with
        DOMAIN_NAME, KUBECONFIG (the domain's cluster) and TILT_PORT set, and
        returns; Tilt's output goes to clusters/<domain>/.tilt/tilt.log. When
        Tilt already runs for the domain, nothing new starts: it is asked to
        reload its Tiltfile.
down    stops that Tilt (what it applied stays in the cluster).
status  says whether it runs, with its pid, port, URL and log.
ci      runs 'tilt ci' in the foreground and exits with its status.

Port: --port, else $TILT_PORT, else one derived from the domain in
10351-10499 (the next free one when it is taken).

Flags:
)";

struct TiltOptions {
  std::string verb;
  std::optional<std::string> root, domain, timeout, output;
  std::optional<int> port;
  std::vector<std::string> positionals, tilt_args;
};

std::vector<Flag> flags() {
  return common_flags() + domain_flags() +
         std::vector<Flag>{{"port", 0, true, "N", "port of Tilt's web UI and API (up, ci)"},
                           {"timeout", 0, true, "DURATION", "tilt ci's --timeout (ci)"},
                           {"output", 'o', true, "FORMAT", "json (status)"}};
}

TiltOptions parse(const Argv& args) {
  TiltOptions o;
  Argv words = args;
  auto dash = std::find(words.begin(), words.end(), "--");
  if (dash != words.end()) {
    o.tilt_args.assign(dash + 1, words.end());
    words.erase(dash, words.end());
  }
  auto f = flags();
  Args a(f, words);
  if (a.has("help") || a.positionals().empty()) {
    std::cout << kUsage << format_flags(f);
    if (!a.has("help")) throw UsageError("kubectl lo tilt needs a verb: up, down, status or ci");
    o.verb = "help";
    return o;
  }
  o.verb = a.positionals().front();
  o.positionals.assign(a.positionals().begin() + 1, a.positionals().end());
  o.root = a.get("root");
  o.domain = a.get("domain");
  o.timeout = a.get("timeout");
  o.output = a.get("output");
  if (auto p = a.get("port")) {
    char* end = nullptr;
    long v = std::strtol(p->c_str(), &end, 10);
    if (p->empty() || *end != '\0' || v < 1 || v > 65535) throw UsageError("invalid --port '" + *p + "'", "give a port from 1 to 65535");
    o.port = static_cast<int>(v);
  }
  if (o.verb != "up" && o.verb != "down" && o.verb != "status" && o.verb != "ci")
    throw UsageError("unknown tilt verb \"" + o.verb + "\"", "verbs: up, down, status, ci");
  if (!o.tilt_args.empty() && o.verb != "up" && o.verb != "ci") throw UsageError("only up and ci take Tiltfile arguments after --");
  if (o.timeout && o.verb != "ci") throw UsageError("--timeout goes with ci");
  if (o.output && o.verb != "status") throw UsageError("-o goes with status");
  if (o.port && o.verb != "up" && o.verb != "ci") throw UsageError("--port goes with up or ci");
  log::set_verbosity(verbosity(a));
  return o;
}

void print_started(const tilt::Instance& i, const Workspace& ws) {
  std::cout << "Tilt is up for " << i.domain << ": " << i.url() << " (pid " << i.pid << ")\n"
            << "  logs: " << ws.show(i.log) << "  (or: tilt logs -f --port " << i.port << ")\n"
            << "  stop: kubectl lo tilt down " << i.domain << "\n";
}

}  // namespace

tilt::Launch tilt_launch(const Workspace& ws, const std::string& domain, std::optional<int> port) {
  tilt::Launch l;
  l.ws = ws;
  l.domain = domain;
  l.port = port;
  l.tiltfile = ws.root / "Tiltfile";
  LoadedDomain d = load_domain(ws, domain);
  std::optional<LoadedDomain> cluster = load_cluster_ref(ws, d);
  KubeconfigChoice k = choose_kubeconfig(ws, cluster ? *cluster : d, std::nullopt, std::nullopt);
  if (k.request.path) l.kubeconfig = *k.request.path;
  return l;
}

namespace {

void attach(const tilt::Instance& r) {
  std::cout << "Tilt is already running for " << r.domain << ": " << r.url() << " (pid " << r.pid
            << "); reloading its Tiltfile\n";
  tilt::reload(r);
}

}  // namespace

int tilt_up_or_attach(const tilt::Launch& l, bool dry_run) {
  if (auto r = tilt::running(l.ws, l.domain)) {
    attach(*r);
    return kExitOk;
  }
  tilt::project_tiltfile(l.ws);
  if (dry_run) {
    int port = tilt::choose_port(l.domain, l.port);
    std::vector<std::string> argv{"tilt", "up", "--port=" + std::to_string(port), "--file=" + l.tiltfile.string(), "--stream"};
    std::cout << "run: DOMAIN_NAME=" << l.domain << (l.kubeconfig ? " KUBECONFIG=" + l.kubeconfig->string() : "")
              << " TILT_PORT=" << port << " " << argv_to_display(argv) << "  (in " << l.ws.root.string()
              << ", in the background; log " << l.ws.show(tilt::state_dir(l.ws, l.domain) / "tilt.log") << ")\n";
    return kExitOk;
  }
  bool started = false;
  tilt::Instance i = tilt::start(l, &started);
  if (started) print_started(i, l.ws);
  else attach(i);
  return kExitOk;
}

int tilt(const Argv& args) {
  TiltOptions o = parse(args);
  if (o.verb == "help") return kExitOk;
  Workspace ws = find_workspace(o.root);
  DomainChoice choice = choose_domain(ws, o.domain, o.positionals, false);
  const std::string& domain = choice.domain;
  require_domain(ws, domain);
  if (o.verb == "down") {
    if (tilt::stop(ws, domain)) std::cout << "Stopped Tilt for " << domain << ".\n";
    else std::cout << "Tilt is not running for " << domain << ".\n";
    return kExitOk;
  }
  if (o.verb == "status") {
    auto r = tilt::running(ws, domain);
    if (o.output && *o.output != "json" && *o.output != "text")
      throw UsageError("invalid output format '" + *o.output + "'", "status takes -o json");
    if (o.output && *o.output == "json") {
      Json j = r ? tilt::to_json(*r) : Json{{"domain", domain}};
      j["running"] = r.has_value();
      std::cout << j.dump(2) << "\n";
    } else if (r) {
      std::cout << "Tilt is running for " << domain << ": " << r->url() << "\n  pid:        " << r->pid
                << "\n  port:       " << r->port << "\n  started:    " << r->started << "\n  Tiltfile:   " << ws.show(r->tiltfile)
                << "\n  kubeconfig: " << (r->kubeconfig.empty() ? "$KUBECONFIG / ~/.kube/config" : ws.show(r->kubeconfig))
                << "\n  log:        " << ws.show(r->log) << "\n";
    } else {
      std::cout << "Tilt is not running for " << domain << " (start it: kubectl lo tilt up " << domain << ").\n";
    }
    return kExitOk;
  }
  tilt::Launch l = tilt_launch(ws, domain, o.port);
  l.tilt_args = o.tilt_args;
  if (o.verb == "ci") {
    tilt::project_tiltfile(ws);
    return tilt::ci(l, o.timeout);
  }
  return tilt_up_or_attach(l, false);
}

}  // namespace lo::cmd
