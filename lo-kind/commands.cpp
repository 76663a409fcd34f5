// lo-kind config / certs-d: render from the effective spec, print or write.
#include <iostream>
#include <set>

#include "kind.hpp"
#include "lo/cli.hpp"
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

int cmd_config(const std::vector<std::string>& args) {
  auto flags = common_flags() + domain_flags();
  Args a(flags, args);
  if (a.has("help")) {
    std::cout << "Print the kind cluster config of a Lo domain, rendered from its effective spec.\n\n"
                 "Usage:\n  lo-kind config [DOMAIN]\n\nFlags:\n" << format_flags(flags);
    return kExitOk;
  }
  Workspace ws = find_workspace(a.get("root"));
  auto choice = choose_domain(ws, a.get("domain"), a.positionals(), false);
  std::cout << render_config(load_target(ws, choice.domain));
  return kExitOk;
}

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

int cmd_certs_d(const std::vector<std::string>& args) {
  auto flags = common_flags() + domain_flags() +
               std::vector<Flag>{{"out", 0, true, "DIR", "write the tree here (default: clusters/<domain>/.containerd/certs.d)"},
                                 {"dry-run", 0, false, "", "print what would be written and change nothing"}};
  Args a(flags, args);
  if (a.has("help")) {
    std::cout << "Write the containerd certs.d tree of a Lo domain: one hosts.toml per registry hostname\n"
                 "and per registry address; plain mode uses http:// with skip_verify, TLS mode https://\n"
                 "with the dev CA copied into the tree.\n\n"
                 "Usage:\n  lo-kind certs-d [DOMAIN] [--out DIR] [--dry-run]\n\nFlags:\n" << format_flags(flags);
    return kExitOk;
  }
  Workspace ws = find_workspace(a.get("root"));
  auto choice = choose_domain(ws, a.get("domain"), a.positionals(), false);
  Target t = load_target(ws, choice.domain);
  fs::path dir = a.get("out") ? fs::absolute(*a.get("out")) : t.certs_d();
  Runner run(a.has("dry-run"), a.has("dry-run") ? std::cout : std::cerr);
  std::error_code ec;
  if (!a.has("dry-run")) fs::create_directories(dir, ec);
  if (ec) throw Error(Location{dir.string()}, "cannot create folder: " + ec.message());
  write_certs_d(run, t, dir);
  return kExitOk;
}

}  // namespace lo::kind
