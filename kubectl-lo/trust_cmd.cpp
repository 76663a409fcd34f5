// kubectl lo trust [--uninstall] [--store-dir DIR] [--dry-run]: the
// development CA (CAROOT/rootCA.pem, the one lo-registry signs registry and
// wildcard certificates with) trusted by this machine's stores, or no longer.
// Idempotent: a store that already trusts it (or no longer does) is left
// alone and said so. Each line of the result names a store and what
// happened to it; the stores that needed root say so.
#include <algorithm>
#include <iostream>

#include "commands.hpp"
#include "lo/certs.hpp"
#include "lo/error.hpp"
#include "lo/log.hpp"
#include "trust.hpp"

namespace lo::cmd {
namespace fs = std::filesystem;

namespace {

struct Line {
  std::string outcome, store, note;
};

void print(const std::vector<Line>& lines) {
  size_t w = 0;
  for (const auto& l : lines) w = std::max(w, l.outcome.size());
  for (const auto& l : lines)
    std::cout << l.outcome << std::string(w - l.outcome.size() + 2, ' ') << l.store << (l.note.empty() ? "" : " (" + l.note + ")")
              << "\n";
}

int trust_cmd(const cli::Args& a) {
  if (!a.positionals().empty())
    throw UsageError("trust takes no arguments: " + a.positionals()[0], "kubectl lo trust [--uninstall]");
  const bool uninstall = a.has("uninstall"), dry = a.has("dry-run");
  Runner runner(dry);
  trusting::Context c;
  c.layout = trust::layout(a.get("store-dir"));
  c.runner = &runner;
  fs::path root = certs::ca_root();
  c.ca_file = root / "rootCA.pem";
  std::optional<certs::Ca> ca = certs::load_ca(root);
  if (!ca && uninstall) {
    std::cout << "No development CA at " << c.ca_file.string() << ": no store trusts it, nothing to remove.\n";
    return kExitOk;
  }
  if (!ca)
    runner.step("create", "development CA " + c.ca_file.string() + " (key rootCA-key.pem, 0600)",
                [&] { ca = certs::create_ca(root); }, {c.ca_file, root / "rootCA-key.pem"});
  if (ca) {
    c.ca_pem = ca->cert_pem;
    c.fingerprint = ca->fingerprint;
  }

  std::vector<std::string> skipped;
  std::vector<trusting::Store> stores = trusting::stores(c, skipped);
  std::vector<Line> lines;
  int changed = 0, failed = 0;
  std::vector<std::string> privileged;
  for (const auto& s : stores) {
    try {
      bool has = s.has();
      if (has != uninstall) {
        lines.push_back({uninstall ? "not there" : "already trusted", s.name, ""});
        continue;
      }
      uninstall ? s.remove() : s.add();
      ++changed;
      std::string done = uninstall ? (dry ? "would remove" : "removed") : (dry ? "would add" : "added");
      lines.push_back({done, s.name, s.privileges.empty() ? "" : "needed " + s.privileges});
      if (!s.privileges.empty()) privileged.push_back(s.name);
    } catch (const Error& e) {
      ++failed;
      for (const auto& p : e.problems()) log::problem("kubectl lo", p);
      lines.push_back({"failed", s.name, ""});
    }
  }
  for (const auto& s : skipped) lines.push_back({"skipped", s, ""});
  print(lines);
  std::string fp = c.fingerprint.empty() ? "new" : "SHA-256 " + c.fingerprint.substr(0, 16);
  std::cout << "Development CA " << c.ca_file.string() << " (" << fp << "): ";
  if (changed == 0 && failed == 0) std::cout << "nothing to change";
  else std::cout << changed << (changed == 1 ? " store " : " stores ") << (dry ? "would change" : "changed");
  if (!privileged.empty()) std::cout << "; needing root: " << join(privileged, ", ");
  std::cout << ".\n";
  if (!uninstall && !dry && changed > 0)
    std::cout << "Restart the browsers that were open: they read their stores when they start.\n";
  return failed ? kExitFailure : kExitOk;
}

}  // namespace

const cli::Command trust_command{
    .name = "trust",
    .summary = "Trust the development CA in the system store and the browsers (or --uninstall)",
    .usage = "[--uninstall] [--dry-run] [--store-dir DIR]",
    .about = "Install lo's development CA (mkcert's CAROOT layout: $CAROOT, else ~/.local/share/mkcert) into\n"
             "this machine's trust stores, so browsers, curl and docker accept the registry and wildcard\n"
             "certificates lo mints: through `mkcert -install` when mkcert is installed; otherwise the\n"
             "system store (update-ca-certificates, or p11-kit's `trust anchor`; the login keychain on\n"
             "macOS) and every NSS database (~/.pki/nssdb for Chrome and Chromium, each Firefox profile)\n"
             "with certutil. The CA is created when there is none. A store that already trusts it is left\n"
             "alone; each store changed is named, and those that needed root (sudo) are said.",
    .flags = [](cli::Options& o) {
      o.add_options()
          ("uninstall", cli::boolean(), "remove the CA from every store instead")
          ("dry-run", cli::boolean(), "print the changes and make none")
          ("store-dir", cli::text("DIR", cli::Complete::Folder),
           "take the system paths and $HOME's stores under DIR (a trust store laid out in a scratch "
           "folder; also LOK8S_TRUST_STORE_DIR)");
    },
    .run = trust_cmd,
    .words = cli::Words::None,
    .examples = "  kubectl lo trust              # trust the CA everywhere it can\n"
                "  kubectl lo trust --uninstall  # and take it back",
};

}  // namespace lo::cmd
