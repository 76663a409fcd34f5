// TLS for the registries and the applications of a Lo domain, signed by the
// development CA (certs.hpp):
//  - the CA at CAROOT, created on demand, reused when there (mkcert's too);
//  - TLS mode: the registry certificate, SANs = every hostname, IP and
//    container name of the plan, minted before any container starts
//    (containers mount it) — also by `lo-registry up`, which upstream left
//    to provision (Q15);
//  - always: the wildcard certificate of <domain> and *.<domain> as a
//    kubernetes.io/tls Secret manifest for a target's gateway or ingress.
// A certificate is re-minted only when a name is missing from it, the CA
// changed, or it expires within 30 days. The registry certificate lives at
// the project root and may serve several domains of the project, so a new
// one keeps the names of the old (when the CA is the same): one domain's
// `up` never takes another's names away.
#include <sstream>

#include "lo/fs.hpp"
#include "lo/trust.hpp"
#include "registry.hpp"

namespace lo::registry {
namespace fs = std::filesystem;

namespace {

std::optional<std::string> read_if_there(const fs::path& p) {
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) return std::nullopt;
  try {
    return read_file(p, 1 << 20);
  } catch (const Error&) {
    return std::nullopt;
  }
}

// A folder of generated files that must never be committed: a .gitignore
// inside it that ignores everything but itself.
void protect(Runner& runner, const Target& t, const fs::path& dir) {
  fs::path gi = dir / ".gitignore";
  std::error_code ec;
  if (fs::exists(gi, ec)) return;
  runner.write_file("keep " + t.show(dir) + " out of git", gi,
                    "# written by lo: generated files (certificates, keys, configs); never commit them\n*\n!.gitignore\n");
}

}  // namespace

std::vector<std::string> registry_sans(const EffectiveSpec& eff) {
  std::vector<std::string> sans;
  for (const auto& r : eff.registries) {
    // A custom mirror's hostname may carry a port (containerd's host:port
    // folder name); a certificate names hosts only. lo before this wrote
    // "10.0.0.5:5000" as a DNS name that matches nothing.
    std::string host = r.hostname;
    if (auto colon = host.rfind(':'); colon != std::string::npos && host.find(']') == std::string::npos) host.resize(colon);
    sans.push_back(host);
    sans.push_back(r.ip.str());
    // Its container name, which Docker's DNS resolves on the registry's
    // network (a kind node, a build container): https://<container>/ verifies.
    sans.push_back(r.container);
  }
  return certs::unique_sans(sans);
}

TlsResult ensure_tls(Runner& runner, const Target& t) {
  TlsResult res;
  fs::path root = certs::ca_root();
  std::optional<certs::Ca> ca = certs::load_ca(root);
  if (ca) {
    runner.note("development CA " + (root / "rootCA.pem").string() + ": reused");
  } else {
    runner.step("create", "development CA " + (root / "rootCA.pem").string() + " (key rootCA-key.pem, 0600)",
                [&] { ca = certs::create_ca(root); }, {root / "rootCA.pem", root / "rootCA-key.pem"});
  }
  if (ca) res.ca_fingerprint = ca->fingerprint;

  if (t.tls) {
    fs::path dir = t.cert_dir();
    std::vector<std::string> sans = registry_sans(t.eff);
    auto crt = read_if_there(dir / "tls.crt");
    auto key = read_if_there(dir / "tls.key");
    bool good = ca && crt && key && read_if_there(dir / ".sans") && certs::still_good(*crt, *ca, sans);
    if (good) {
      runner.note("registry certificate " + t.show(dir / "tls.crt") + ": up to date");
    } else {
      std::vector<std::string> all = sans;
      if (ca && crt)
        if (auto old = certs::inspect(*crt, &*ca); old && old->signed_by_ca)
          for (const auto& san : old->sans)
            if (san.find(':') == std::string::npos) all.push_back(san);  // not an old "host:port" name
      all = certs::unique_sans(all);
      protect(runner, t, t.ws.root / ".secrets");
      runner.step("mint", "registry certificate " + t.show(dir / "tls.crt") + " (key tls.key 0600) for " + join(all, ", "), [&] {
        certs::Leaf leaf = certs::mint_leaf(*ca, all);
        write_file_atomic(dir / "tls.key", leaf.key_pem, fs::perms(0600));
        write_file_atomic(dir / "tls.crt", leaf.cert_pem, fs::perms(0644));
        write_file_atomic(dir / ".sans", join(all, "\n") + "\n", fs::perms(0644));
      }, {dir / "tls.key", dir / "tls.crt", dir / ".sans"});
      res.registry_cert_minted = true;
    }
  }

  // The nudge of registry TLS: a CA the system store does not trust (or
  // one not made yet) makes docker push, curl and browsers refuse the
  // registry. Unknown (no system bundle found) says nothing.
  if (t.tls) {
    std::error_code ec;
    bool exists = fs::exists(root / "rootCA.pem", ec);
    if (!exists || !trust::system_trusts(trust::layout(), root / "rootCA.pem").value_or(true))
      runner.note("the development CA is not trusted by this machine's system store: run 'kubectl lo trust' so "
                  "docker push, curl and browsers accept the registries' https");
  }

  std::string domain = t.eff.spec.domain.value_or(t.domain);
  std::vector<std::string> wild = {domain, "*." + domain};
  fs::path file = t.wildcard_file();
  auto manifest = read_if_there(file);
  auto cert = manifest ? certs::secret_manifest_cert(*manifest) : std::nullopt;
  if (ca && cert && certs::still_good(*cert, *ca, wild)) {
    runner.note("wildcard certificate " + t.show(file) + ": up to date");
  } else {
    protect(runner, t, file.parent_path());
    runner.step("mint", "wildcard certificate for " + join(wild, ", ") + " as Secret wildcard-tls in " + t.show(file) + " (0600)", [&] {
      certs::Leaf leaf = certs::mint_leaf(*ca, wild);
      std::string comment = "TLS certificate for " + join(wild, " and ") +
                            ", signed by the lo development CA (" + (root / "rootCA.pem").string() +
                            ").\nWritten by lo-registry up; re-minted when missing, expiring or signed by another CA.\n"
                            "Reference it from a target (e.g. a kustomize resource) for its gateway or ingress.";
      write_file_atomic(file, certs::tls_secret_manifest("wildcard-tls", leaf, ca->cert_pem, comment), fs::perms(0600));
    }, {file});
  }
  return res;
}

}  // namespace lo::registry
