// kubectl lo tilt up|down|status|ci [DOMAIN]: one Tilt per domain, running
// in the background (tilt_runtime.hpp). Argument parsing and messages; the
// process work is in tilt_runtime.cpp.
#include <cctype>
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

struct TiltOptions {
  std::string verb;
  std::optional<std::string> root, domain, timeout, output;
  std::optional<int> port;
  std::vector<std::string> positionals, tilt_args;
};

// tilt ci --timeout: tilt's own Go duration; a plain number of seconds gets its unit.
std::string go_duration(const std::string& text) {
  return !text.empty() && std::isdigit(static_cast<unsigned char>(text.back())) ? text + "s" : text;
}

TiltOptions options(const cli::Args& a) {
  TiltOptions o;
  std::vector<std::string> words = a.before_dashes();
  o.tilt_args = a.after_dashes();
  if (words.empty()) throw UsageError("kubectl lo tilt needs a verb: up, down, status or ci", "see 'kubectl lo tilt --help'");
  o.verb = words.front();
  o.positionals.assign(words.begin() + 1, words.end());
  o.root = a.get("root");
  o.domain = a.get("domain");
  if (auto t = a.get("timeout")) o.timeout = go_duration(*t);
  o.output = a.get("output");
  if (auto p = a.get_number("port")) o.port = static_cast<int>(*p);
  if (o.verb != "up" && o.verb != "down" && o.verb != "status" && o.verb != "ci")
    throw UsageError("unknown tilt verb \"" + o.verb + "\"", "verbs: up, down, status, ci");
  if (!o.tilt_args.empty() && o.verb != "up" && o.verb != "ci") throw UsageError("only up and ci take Tiltfile arguments after --");
  if (o.timeout && o.verb != "ci") throw UsageError("--timeout goes with ci");
  if (o.output && o.verb != "status") throw UsageError("-o goes with status");
  if (o.port && o.verb != "up" && o.verb != "ci") throw UsageError("--port goes with up or ci");
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

namespace {

int tilt(const cli::Args& a) {
  TiltOptions o = options(a);
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

const cli::Verb kVerbs[] = {
    {"up", "start Tilt in the background, or reload the one that runs"},
    {"down", "stop the domain's Tilt"},
    {"status", "whether it runs: pid, port, URL, log"},
    {"ci", "run tilt ci in the foreground"},
};

}  // namespace

const cli::Command tilt_command{
    .name = "tilt",
    .summary = "Run Tilt for a domain: up, down, status, ci (one Tilt per domain)",
    .usage = "up [DOMAIN] [--port N] [-- TILTFILE_ARGS...]\n"
             "down [DOMAIN]\n"
             "status [DOMAIN] [-o json]\n"
             "ci [DOMAIN] [--timeout DURATION] [-- TILTFILE_ARGS...]",
    .about = "Run Tilt for a domain: one Tilt per domain, in the background.\n"
             "\n"
             "up      starts 'tilt up' with the project's Tiltfile in the project root, with\n"
             "        DOMAIN_NAME, KUBECONFIG (the domain's cluster) and TILT_PORT set, and\n"
             "        returns; Tilt's output goes to clusters/<domain>/.tilt/tilt.log. When\n"
             "        Tilt already runs for the domain, nothing new starts: it is asked to\n"
             "        reload its Tiltfile.\n"
             "down    stops that Tilt (what it applied stays in the cluster).\n"
             "status  says whether it runs, with its pid, port, URL and log.\n"
             "ci      runs 'tilt ci' in the foreground and exits with its status.\n"
             "\n"
             "Port: --port, else $TILT_PORT, else one derived from the domain in\n"
             "10351-10499 (the next free one when it is taken).",
    .flags =
        [](cli::Options& o) {
          cli::domain_flag(o);
          o.add_options()
              ("port", cli::number("N", 1, 65535)->hint("give a port from 1 to 65535"), "port of Tilt's web UI and API (up, ci)")
              ("timeout", cli::duration(false), "tilt ci's --timeout (ci)");
          cli::output_flag(o, {"text", "json"}, "json (status)");
        },
    .run = tilt,
    .words = cli::Words::VerbThenDomain,
    .verbs = kVerbs,
};

}  // namespace lo::cmd
