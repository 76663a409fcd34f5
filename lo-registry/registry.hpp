// lo-registry's lifecycle commands (up, down, clean, status) and what they
// share: the domain loaded and validated, the files lo keeps for the
// registries, the container labels, the containers docker has.
//
// Files (all inside the project, persisted so a container restart or a
// daemon restart finds them again — upstream bound a temp file that it
// deleted right after `docker run`, Q14):
//   clusters/<domain>/.registry/<name>.yml        distribution config per registry
//   <root>/.secrets/tls/registries/{tls.crt,tls.key,.sans}   registry certificate
//   clusters/<domain>/.tls/wildcard-tls.yaml      kubernetes.io/tls Secret for *.<domain>
//
// Container labels:
//   lok8s.dev/registry=<name>  lok8s.dev/role=build|cache|mirror
//   lok8s.dev/domain=<domain>  (project registries only; shared mirrors serve many projects)
//   lok8s.dev/shared=true      (shared mirrors)
//   lok8s.dev/config=<hash>    what the container was started with; another hash = recreate
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "lo/certs.hpp"
#include "lo/cli.hpp"
#include "lo/defaults.hpp"
#include "lo/docker.hpp"
#include "lo/runner.hpp"
#include "lo/workspace.hpp"

namespace lo::registry {

inline constexpr const char* kLabelRegistry = "lok8s.dev/registry";
inline constexpr const char* kLabelRole = "lok8s.dev/role";
inline constexpr const char* kLabelDomain = "lok8s.dev/domain";
inline constexpr const char* kLabelShared = "lok8s.dev/shared";
inline constexpr const char* kLabelConfig = "lok8s.dev/config";
inline constexpr const char* kConfigInContainer = "/etc/docker/registry/config.yml";
inline constexpr const char* kCertsInContainer = "/etc/registry/certs";

// A Lo domain, loaded and fully validated before anything touches docker.
struct Target {
  Workspace ws;
  std::string domain;
  EffectiveSpec eff;
  bool tls = true;

  std::filesystem::path config_dir() const { return ws.domain_dir(domain) / ".registry"; }
  std::filesystem::path config_file(const Registry& r) const { return config_dir() / (r.name + ".yml"); }
  std::filesystem::path cert_dir() const { return ws.root / ".secrets" / "tls" / "registries"; }
  std::filesystem::path wildcard_file() const { return ws.domain_dir(domain) / ".tls" / "wildcard-tls.yaml"; }
  std::string show(const std::filesystem::path& p) const { return ws.show(p); }
};

// Parses the common flags of the lifecycle commands.
struct Options {
  bool shared = false;   // --shared
  bool dry_run = false;  // --dry-run
  std::string output;    // -o (status)
};

// Loads DOMAIN (positional or --domain) and validates it; kind must be Lo.
Target load_target(const std::optional<std::string>& root, const std::optional<std::string>& domain_flag,
                   const std::vector<std::string>& positionals);

struct Invocation {
  Options opt;
  Target target;
};
// The flags of the lifecycle commands: --domain, -S/--shared, --dry-run
// (status adds -o).
void lifecycle_flags(cli::Options& o);
// Reads those flags and loads the domain.
Invocation invocation(const cli::Args& a, bool takes_output);

// --- config.cpp ---------------------------------------------------------------
// The image of the registry containers: LOK8S_REGISTRY_IMAGE when set (a
// copy in a registry you can reach, or a locally built stand-in, as lo's
// tests use), else kRegistryImage (registry:2.8.3).
std::string registry_image();
// The distribution (registry:2) config of one registry.
std::string render_config(const Registry& r, bool tls);
// The lok8s.dev/config label: a hash of everything the container is made
// of (image, config, address, network, mounts, CA). Shared mirrors leave out
// project paths, so two projects agreeing on a mirror do not take turns
// recreating it. In TLS mode without a CA yet (a dry run that would create
// it) the placeholder "<hash-once-the-dev-CA-exists>".
std::string config_hash(const Target& t, const Registry& r, const std::string& config, const std::string& ca_fingerprint,
                        bool remote);
// `docker run ...` for one registry; with a remote daemon `docker create ...`
// without bind mounts (the files are copied in before `docker start`).
std::vector<std::string> run_argv(const Target& t, const Registry& r, const std::string& hash, bool remote);

// --- tls.cpp -------------------------------------------------------------------
struct TlsResult {
  std::string ca_fingerprint;  // empty when the CA is not there yet (dry run)
  bool registry_cert_minted = false;
};
// The CA (created on demand), the registry certificate (TLS mode) and the
// wildcard application certificate, through the runner.
TlsResult ensure_tls(Runner& runner, const Target& t);
// The SANs of the registry certificate: every hostname (without a port),
// IP and container name of the plan.
std::vector<std::string> registry_sans(const EffectiveSpec& eff);

// --- containers.cpp --------------------------------------------------------------
struct Container {
  std::string name;
  std::string state;   // Docker's word: running, restarting, exited, created, paused, dead
  std::string health;  // Docker's health check: starting, healthy, unhealthy; empty without one
  int restarts = 0;    // RestartCount: how often Docker restarted it (restart=always)
  std::map<std::string, std::string> labels;
  bool running() const { return state == "running"; }
};
// Every container that carries the lok8s.dev/registry label, by name.
std::map<std::string, Container> registry_containers(docker::Docker& d);
// The named containers as `docker container inspect` sees them, by name;
// the ones that do not exist are left out.
std::map<std::string, Container> inspect_containers(docker::Docker& d, const std::vector<std::string>& refs);
// Names of every docker volume.
std::vector<std::string> volume_names(docker::Docker& d);
// The registries of the plan a command acts on: project ones, plus shared
// mirrors when `with_shared`.
std::vector<Registry> selected(const Target& t, bool with_shared);
// Containers labelled for this domain that the plan no longer has.
std::vector<std::string> orphans(const Target& t, const std::map<std::string, Container>& have);

// --- health.cpp ----------------------------------------------------------------
// The `docker run` flags of the health check: a command run inside the
// container that asks the registry's own /v2/ on localhost. Docker runs it
// and keeps the verdict; lo only reads it (never a request from the host).
std::vector<std::string> health_flags(bool tls);
// Waits until every registry of `regs` answers (Docker says healthy), or its
// container is restarting, exited, restarted again or unhealthy, or `timeout`
// passes. `restarts`: each container's restart count when this `up` started
// or kept it. Throws lo::Error naming each registry that does not answer,
// with its state and the last lines of its log.
void wait_until_answering(Runner& runner, docker::Docker& d, const std::vector<Registry>& regs,
                          const std::map<std::string, int>& restarts, std::chrono::seconds timeout);
// The lines of a registry log worth showing: Go stack traces left out, at
// most `n` lines, and the last panic or error line kept even when older.
std::vector<std::string> log_excerpt(const std::string& log, size_t n);

// --- commands (lo/cli.hpp), listed by main.cpp -----------------------------------
extern const cli::Command up_command;
extern const cli::Command down_command;
extern const cli::Command clean_command;
extern const cli::Command status_command;

}  // namespace lo::registry
