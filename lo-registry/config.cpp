// The domain a command acts on, the distribution config of each registry,
// and the `docker run` that starts it.
//
// Upstream quirks fixed here:
//  Q14  the rendered config is persisted under clusters/<domain>/.registry/
//       instead of a temp file deleted right after `docker run`, so a
//       restart (restart=always) still finds it;
//  Q29  with a remote daemon (DOCKER_HOST=ssh://...) local files cannot be
//       bind-mounted: the container is created, the config and certificate
//       are copied in with `docker cp`, then it starts;
//  Q4   (registries' real port) the config listens on :443 with TLS, :80
//       without, and plan and status report that port (the in-cluster
//       ConfigMap is lo-kind's);
//  upstream put `delete.enabled` at the top level of the config, where the
//  registry ignores it; it belongs under `storage`.
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <iostream>

#include "lo/fs.hpp"
#include "lo/log.hpp"
#include "lo/sha256.hpp"
#include "lo/spec.hpp"
#include "registry.hpp"

namespace lo::registry {
namespace fs = std::filesystem;

Target load_target(const std::optional<std::string>& root, const std::optional<std::string>& domain_flag,
                   const std::vector<std::string>& positionals) {
  if (positionals.size() > 1) throw UsageError("too many arguments: expected at most one DOMAIN");
  Target t;
  t.ws = find_workspace(root);
  DomainChoice choice = choose_domain(t.ws, domain_flag, positionals, false);
  LoadedDomain d = load_domain(t.ws, choice.domain);
  if (d.spec.kind != SpecKind::Lo)
    throw Error("domain '" + choice.domain + "' is of kind " + d.spec.kindText + "; only Lo clusters run lo's registries");
  // Every problem of the spec is reported here, before any docker call.
  t.eff = effective_spec(d.spec);
  for (const auto& w : t.eff.spec.warnings) log::problem("lo-registry", w);
  t.domain = choice.domain;
  t.tls = t.eff.spec.registries.tls.value_or(true);
  return t;
}

void lifecycle_flags(cli::Options& o) {
  cli::domain_flag(o);
  o.add_options()
      ("shared,S", cli::boolean(), "also act on the shared pull-through mirrors")
      ("dry-run", cli::boolean(), "print the exact plan (docker commands, files) and change nothing");
}

Invocation invocation(const cli::Args& a, bool takes_output) {
  Invocation inv;
  inv.opt.shared = a.has("shared");
  inv.opt.dry_run = a.has("dry-run");
  if (takes_output) inv.opt.output = a.output("table");
  inv.target = load_target(a.get("root"), a.get("domain"), a.positionals());
  return inv;
}

std::string registry_image() {
  const char* env = std::getenv("LOK8S_REGISTRY_IMAGE");
  return env && *env ? env : kRegistryImage;
}

std::string render_config(const Registry& r, bool tls) {
  auto quoted = [](const std::string& s) { return nlohmann::json(s).dump(); };
  std::string c;
  // No domain or path in here: shared mirrors serve several projects, and
  // their configs must come out the same from each of them.
  c += "# distribution (registry:2) config of the " + std::string(to_string(r.role)) + " registry '" + r.name +
       "', written by lo-registry up\n";
  c += "version: 0.1\n";
  c += "log:\n  fields:\n    service: registry\n";
  c += "storage:\n  cache:\n    blobdescriptor: inmemory\n  filesystem:\n    rootdirectory: /var/lib/registry\n";
  c += "  delete:\n    enabled: true\n";
  c += "http:\n";
  c += tls ? "  addr: :443\n" : "  addr: :80\n";
  c += "  headers:\n    X-Content-Type-Options: [nosniff]\n";
  if (tls)
    c += std::string("  tls:\n    certificate: ") + kCertsInContainer + "/tls.crt\n    key: " + kCertsInContainer + "/tls.key\n";
  c += "health:\n  storagedriver:\n    enabled: true\n    interval: 10s\n    threshold: 3\n";
  if (r.role == RegistryRole::Mirror && !r.upstream.empty()) c += "proxy:\n  remoteurl: " + quoted(r.upstream) + "\n";
  return c;
}

namespace {

// One field of a --mount value, CSV-quoted when it needs it (docker reads
// --mount as a CSV record, so a path may hold ':' but a ',' needs quotes).
std::string mount_field(const std::string& field) {
  if (field.find_first_of(",\"") == std::string::npos) return field;
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string bind(const fs::path& source, const std::string& target) {
  return "type=bind," + mount_field("source=" + source.string()) + "," + mount_field("target=" + target) + ",readonly";
}

}  // namespace

std::string config_hash(const Target& t, const Registry& r, const std::string& config, const std::string& ca_fingerprint,
                        bool remote) {
  std::string in = std::string("image=") + registry_image() + "\nnetwork=" + r.network + "\nip=" + r.ip.str() +
                   "\ntls=" + (t.tls ? "true" : "false") + "\nconfig=" + config + "\nhealth=" + join(health_flags(t.tls), " ");
  // A dry run that would create the CA cannot know its fingerprint: the plan
  // shows a placeholder where the run has the hash.
  if (t.tls && ca_fingerprint.empty()) return "<hash-once-the-dev-CA-exists>";
  if (t.tls) in += "\nca=" + ca_fingerprint;
  if (remote) {
    // The files are copied in, not mounted: a new certificate needs a new container.
    in += "\nremote=true";
    if (t.tls) {
      std::error_code ec;
      if (fs::exists(t.cert_dir() / "tls.crt", ec)) in += "\ncert=" + sha256_hex(read_file(t.cert_dir() / "tls.crt", 1 << 20));
    }
  } else if (!r.shared) {
    in += "\nconfig-file=" + t.config_file(r).string();
    if (t.tls) in += "\ncerts=" + t.cert_dir().string();
  }
  return sha256_hex(in).substr(0, 16);
}

std::vector<std::string> run_argv(const Target& t, const Registry& r, const std::string& hash, bool remote) {
  std::vector<std::string> argv = {"docker", remote ? "create" : "run"};
  if (!remote) argv.push_back("--detach");
  argv.insert(argv.end(), {"--restart=always", "--name", r.container, "--network", r.network, "--ip", r.ip.str()});
  auto label = [&](const std::string& k, const std::string& v) {
    argv.push_back("--label");
    argv.push_back(k + "=" + v);
  };
  label(kLabelRegistry, r.name);
  label(kLabelRole, to_string(r.role));
  if (r.shared) label(kLabelShared, "true");
  else label(kLabelDomain, t.domain);
  label(kLabelConfig, hash);
  auto health = health_flags(t.tls);
  argv.insert(argv.end(), health.begin(), health.end());
  argv.insert(argv.end(), {"--volume", r.container + ":/var/lib/registry"});
  // --mount, unlike -v, refuses a missing source instead of creating an
  // empty folder in its place.
  if (!remote) {
    argv.insert(argv.end(), {"--mount", bind(t.config_file(r), kConfigInContainer)});
    if (t.tls) argv.insert(argv.end(), {"--mount", bind(t.cert_dir(), kCertsInContainer)});
  }
  argv.push_back(registry_image());
  return argv;
}

}  // namespace lo::registry
