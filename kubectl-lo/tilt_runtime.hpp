// One Tilt per domain: `kubectl lo up` and `kubectl lo tilt up` start
// `tilt up` in the background for a domain, record it, and find it again.
//
//   clusters/<domain>/.tilt/state.json   pid, process start time, port,
//                                        Tiltfile, kubeconfig, log, started
//   clusters/<domain>/.tilt/tilt.log     Tilt's output
//
// Tilt runs in the project root with the project's Tiltfile, in a session of
// its own (it outlives the terminal), with DOMAIN_NAME, KUBECONFIG (the
// domain's cluster, as deploy chooses it) and TILT_PORT in its environment.
// A second `up` for a running domain starts nothing: it reports the running
// Tilt and asks it to reload its Tiltfile (`tilt trigger (Tiltfile)`).
// The recorded pid is trusted only while that process still has the start
// time recorded with it, so a reused pid is never signalled.
//
// Port: --port, else $TILT_PORT, else 10351 + (hash of the domain mod 149),
// moving on to the next free port of 10351-10499 when that one is taken;
// the port used is recorded.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "lo/workspace.hpp"
#include "lo/yaml_json.hpp"

namespace lo::tilt {

struct Instance {
  pid_t pid = 0;
  unsigned long long start_ticks = 0;  // /proc/<pid>/stat starttime
  int port = 0;
  std::string domain;
  std::filesystem::path tiltfile;
  std::string kubeconfig;  // empty: Tilt uses $KUBECONFIG / ~/.kube/config
  std::filesystem::path log;
  std::string started;  // UTC, RFC 3339
  std::string url() const { return "http://localhost:" + std::to_string(port) + "/"; }
};

Json to_json(const Instance& i);

struct Launch {
  Workspace ws;
  std::string domain;
  std::filesystem::path tiltfile;
  std::optional<std::filesystem::path> kubeconfig;  // nullopt: inherit
  std::optional<int> port;                          // --port
  std::vector<std::string> tilt_args;               // after "--": Tiltfile args
};

std::filesystem::path state_dir(const Workspace& ws, const std::string& domain);

// The recorded Tilt of a domain when it is still running; a stale record is
// removed.
std::optional<Instance> running(const Workspace& ws, const std::string& domain);

// The project's Tiltfile; throws lo::Error with how to write one when it is
// missing.
std::filesystem::path project_tiltfile(const Workspace& ws);

// Starts Tilt detached and records it; when one already runs for the
// domain (another `up` won the race), returns that one with `*started`
// false. Throws lo::Error when tilt is not installed, the port is taken, or
// Tilt exits at once (its log quoted).
Instance start(const Launch& l, bool* started);

// Asks a running Tilt to re-run its Tiltfile; false (with a warning) when it
// does not answer.
bool reload(const Instance& i);

// Stops Tilt (SIGTERM to its process group, SIGKILL after `grace`) and
// removes the record. Returns false when it was not running.
bool stop(const Workspace& ws, const std::string& domain, std::chrono::milliseconds grace = std::chrono::seconds(10));

// The port for a domain (rule above); throws UsageError for a bad value.
int choose_port(const std::string& domain, std::optional<int> flag);

// `tilt ci` in the foreground; returns its exit code.
int ci(const Launch& l, const std::optional<std::string>& timeout);

}  // namespace lo::tilt
