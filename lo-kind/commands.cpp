// lo-kind config / certs-d: render from the effective spec, print or write.
#include <iostream>
#include <set>

#include "kind.hpp"
#include "lo/fs.hpp"
#include "lo/log.hpp"
#include "lo/runner.hpp"

namespace lo::kind {
namespace fs = std::filesystem;

Target load_target(const Workspace& ws, const std::string& domain) {
  LoadedDomain d = load_domain(ws, domain);
  if (d.spec.kind != SpecKind::Lo)
    throw Error("domain '" + domain + "' is of kind " + d.spec.kindText + "; lo-kind works with kind Lo clusters only");
  Target t{ws, domain, effective_spec(d.spec)};
  for (const auto& w : t.eff.spec.warnings) log::problem("lo-kind", w);
  return t;
}

namespace {

int config(const cli::Args& a) {
  Workspace ws = find_workspace(a.get("root"));
  auto choice = choose_domain(ws, a.get("domain"), a.positionals(), false);
  std::cout << render_config(load_target(ws, choice.domain));
  return kExitOk;
}

}  // namespace

// Writes the certs.d tree in place: the folder itself is never replaced (kind
// nodes bind-mount it, so its inode must stay), stale entries are removed,
// unchanged files are left alone. In TLS mode the dev CA is copied in; in a
// dry run a CA that an earlier step (lo-registry up) would create counts.
void write_certs_d(Runner& run, const Target& t, const fs::path& dir) {
  bool tls = *t.eff.spec.registries.tls;
  fs::path ca_file = ca_root_pem();
  bool ca = tls && run.file_exists_or_planned(ca_file);
  if (tls && !ca)
    run.warn("lo-kind",
             "registry TLS is on but the dev CA is missing at " + ca_file.string() + "; containerd would not trust the registries",
             "run 'kubectl lo registry up' (it creates the CA), or set spec.registries.tls: false");
  auto files = render_certs_d(t.eff);
  std::error_code ec;
  fs::path gitignore = dir.parent_path() / ".gitignore";
  std::string wanted = "# Written by lo-kind: containerd registry wiring, regenerated on every create.\n*\n!.gitignore\n";
  bool keep = false;
  if (fs::exists(gitignore, ec)) {
    std::string cur = read_file(gitignore, 1 << 16);
    keep = cur.find("\n!.gitignore\n") != std::string::npos || cur.rfind("!.gitignore\n", 0) == 0;
  }
  if (!keep) run.write_file("keep the generated tree out of git", gitignore, wanted);
  std::set<std::string> top;
  for (const auto& [rel, _] : files) top.insert(rel.substr(0, rel.find('/')));
  if (ca) top.insert(".ca");
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (!top.count(entry.path().filename().string())) run.remove("remove stale certs.d entry", entry.path());
  if (ca) run.copy_file("dev CA for containerd", ca_file, dir / ".ca" / "rootCA.pem");
  for (const auto& [rel, content] : files)
    run.write_file("containerd hosts for " + rel.substr(0, rel.find('/')), dir / rel, content);
}

namespace {

int certs_d(const cli::Args& a) {
  Workspace ws = find_workspace(a.get("root"));
  auto choice = choose_domain(ws, a.get("domain"), a.positionals(), false);
  Target t = load_target(ws, choice.domain);
  fs::path dir = a.get("out") ? fs::absolute(*a.get("out")) : t.certs_d();
  Runner run(a.has("dry-run"));
  std::error_code ec;
  if (!a.has("dry-run")) fs::create_directories(dir, ec);
  if (ec) throw Error(Location{dir.string()}, "cannot create folder: " + ec.message());
  write_certs_d(run, t, dir);
  return kExitOk;
}

}  // namespace

const cli::Command config_command{
    .name = "config",
    .summary = "Print the kind cluster config rendered from the effective spec",
    .usage = "[DOMAIN]",
    .about = "Print the kind cluster config of a Lo domain, rendered from its effective spec.",
    .flags = cli::domain_flag,
    .run = config,
    .words = cli::Words::Domain,
};

const cli::Command certs_d_command{
    .name = "certs-d",
    .summary = "Write the containerd certs.d tree (registry hosts)",
    .usage = "[DOMAIN] [--out DIR] [--dry-run]",
    .about = "Write the containerd certs.d tree of a Lo domain: one hosts.toml per registry hostname\n"
             "and per registry address; plain mode uses http:// with skip_verify, TLS mode https://\n"
             "with the dev CA copied into the tree.",
    .flags =
        [](cli::Options& o) {
          cli::domain_flag(o);
          o.add_options()
              ("out", cli::text("DIR", cli::Complete::Folder), "write the tree here (default: clusters/<domain>/.containerd/certs.d)")
              ("dry-run", cli::boolean(), "print what would be written and change nothing");
        },
    .run = certs_d,
    .words = cli::Words::Domain,
};

}  // namespace lo::kind
