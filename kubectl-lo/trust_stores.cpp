// The trust stores of `kubectl lo trust` (trust.hpp): how each one is asked
// and changed. Every change is an argv or a file write through the Runner.
#include <unistd.h>

#include <algorithm>
#include <cctype>

#include "lo/certs.hpp"
#include "lo/error.hpp"
#include "lo/exec.hpp"
#include "lo/fs.hpp"
#include "trust.hpp"

namespace lo::cmd::trusting {
namespace fs = std::filesystem;

namespace {

#ifdef __APPLE__
constexpr bool kMacOS = true;
#else
constexpr bool kMacOS = false;
#endif

// Debian's local CA folder and the file lo puts there.
const fs::path kLocalCerts = "/usr/local/share/ca-certificates";
constexpr const char* kLocalFile = "lo-development-ca.crt";
// update-ca-certificates' folders, given on a redirected layout.
const std::pair<const char*, const char*> kUpdateDirs[] = {
    {"--certsconf", "/etc/ca-certificates.conf"},       {"--certsdir", "/usr/share/ca-certificates"},
    {"--localcertsdir", "/usr/local/share/ca-certificates"}, {"--etccertsdir", "/etc/ssl/certs"},
    {"--hooksdir", "/etc/ca-certificates/update.d"},
};

bool is_dir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec);
}
bool is_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

// "sudo" in front of a change to `dir` when this user cannot write there
// (never on a redirected layout, never as root). Throws when it is needed
// and there is no sudo.
std::vector<std::string> as_root(const Context& c, const fs::path& dir, std::vector<std::string> argv) {
  if (c.layout.redirected() || geteuid() == 0 || access(dir.c_str(), W_OK) == 0) return argv;
  if (!find_program("sudo"))
    throw Error("changing " + dir.string() + " needs root, and sudo is not installed",
                "run 'kubectl lo trust' as root");
  argv.insert(argv.begin(), "sudo");
  return argv;
}
std::string root_needed(const Context& c, const fs::path& dir) {
  return as_root(c, dir, {"x"}).size() > 1 ? "root (through sudo)" : "";
}

std::string file_text(const fs::path& p) {
  try {
    return read_file(p, 16 << 20);  // a system bundle is a few hundred KB
  } catch (const Error&) {
    return {};
  }
}

// Debian: the CA as a .crt file in /usr/local/share/ca-certificates, then
// update-ca-certificates (--fresh when removing, as Debian says, so the
// link in /etc/ssl/certs goes too).
Store debian_store(const Context& c, const std::string& tool) {
  const trust::Layout& l = c.layout;
  fs::path dir = l.at(kLocalCerts), file = dir / kLocalFile, bundle = l.at("/etc/ssl/certs/ca-certificates.crt");
  auto update = [c, tool, l](bool fresh) {
    std::vector<std::string> argv = {tool};
    if (fresh) argv.push_back("--fresh");
    if (l.redirected())
      for (const auto& [flag, path] : kUpdateDirs) {
        argv.push_back(flag);
        argv.push_back(l.at(path).string());
      }
    c.runner->change("rebuild the system CA bundle", as_root(c, l.at("/etc/ssl/certs"), argv));
  };
  Store s;
  s.name = "system store (" + dir.string() + ", update-ca-certificates)";
  s.privileges = root_needed(c, dir);
  s.has = [c, bundle] { return trust::bundle_has(file_text(bundle), c.ca_pem); };
  s.add = [c, dir, file, update] {
    auto argv = as_root(c, dir, {"install", "-D", "-m", "0644", c.ca_file.string(), file.string()});
    if (argv.front() == "sudo") c.runner->change("copy the CA to " + file.string(), argv);
    else c.runner->write_file("the CA for the system store", file, c.ca_pem);
    update(false);
  };
  // Every file of the folder that holds this CA goes (mkcert's own too):
  // otherwise the CA would stay trusted.
  s.remove = [c, dir, update] {
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto& e : fs::recursive_directory_iterator(dir, ec))
      if (e.is_regular_file(ec) && e.path().extension() == ".crt" && trust::bundle_has(file_text(e.path()), c.ca_pem))
        files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      auto argv = as_root(c, dir, {"rm", "-f", f.string()});
      if (argv.front() == "sudo") c.runner->change("remove " + f.string(), argv);
      else c.runner->remove("the CA of the system store", f);
    }
    update(true);
  };
  return s;
}

// Fedora, Arch (p11-kit): trust anchor --store / --remove.
Store p11_store(const Context& c) {
  fs::path anchors = "/etc/pki/ca-trust/source/anchors";
  if (!is_dir(anchors)) anchors = "/etc/ca-certificates/trust-source/anchors";
  Store s;
  s.name = "system store (p11-kit trust anchor)";
  s.privileges = root_needed(c, anchors);
  s.has = [c] { return trust::system_trusts(c.layout, c.ca_file).value_or(false); };
  s.add = [c, anchors] { c.runner->change("trust the CA", as_root(c, anchors, {"trust", "anchor", "--store", c.ca_file.string()})); };
  s.remove = [c, anchors] { c.runner->change("distrust the CA", as_root(c, anchors, {"trust", "anchor", "--remove", c.ca_file.string()})); };
  return s;
}

// macOS: the login keychain, as the user (no sudo).
Store keychain_store(const Context& c) {
  fs::path keychain = c.layout.in_home("Library/Keychains/login.keychain-db");
  std::string fp = c.fingerprint;
  std::transform(fp.begin(), fp.end(), fp.begin(), [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
  Store s;
  s.name = "login keychain (" + keychain.string() + ")";
  s.has = [c] { return trust::system_trusts(c.layout, c.ca_file).value_or(false); };
  s.add = [c, keychain] {
    c.runner->change("trust the CA in the login keychain",
                     {"security", "add-trusted-cert", "-r", "trustRoot", "-k", keychain.string(), c.ca_file.string()});
  };
  s.remove = [c, keychain, fp] {
    c.runner->change("drop the CA's trust settings", {"security", "remove-trusted-cert", c.ca_file.string()});
    c.runner->change("delete the CA from the login keychain", {"security", "delete-certificate", "-Z", fp, keychain.string()});
  };
  return s;
}

// mkcert, which knows every store of its platform.
Store mkcert_store(const Context& c) {
  ExecOptions env;
  env.env["CAROOT"] = c.ca_file.parent_path().string();
  Store s;
  s.name = "mkcert (system store, NSS, Java; CAROOT=" + c.ca_file.parent_path().string() + ")";
  s.privileges = geteuid() == 0 ? "" : "root for the system store (mkcert runs sudo itself)";
  s.has = [c] { return trust::system_trusts(c.layout, c.ca_file).value_or(false); };
  s.add = [c, env] { c.runner->change("mkcert -install", {"mkcert", "-install"}, env); };
  s.remove = [c, env] { c.runner->change("mkcert -uninstall", {"mkcert", "-uninstall"}, env); };
  return s;
}

// An NSS database ("sql:DIR" or "dbm:DIR"), as its user.
Store nss_store(const Context& c, const std::string& name, const std::string& db) {
  auto holds_ca = [c, db] {
    ExecResult r = run({"certutil", "-L", "-d", db, "-n", kNssNickname, "-a"});
    return r.ok() && certs::fingerprint(r.out) == c.fingerprint;
  };
  auto listed = [db] { return run({"certutil", "-L", "-d", db, "-n", kNssNickname}).ok(); };
  Store s;
  s.name = name;
  s.has = holds_ca;
  s.add = [c, db, listed] {
    if (listed())  // an older lo CA under the same nickname
      c.runner->change("drop the old lo CA from " + db, {"certutil", "-D", "-d", db, "-n", kNssNickname});
    c.runner->change("trust the CA in " + db, {"certutil", "-A", "-d", db, "-t", "C,,", "-n", kNssNickname, "-i", c.ca_file.string()});
  };
  s.remove = [c, db] { c.runner->change("remove the CA from " + db, {"certutil", "-D", "-d", db, "-n", kNssNickname}); };
  return s;
}

// "sql:DIR" for a cert9.db, "dbm:DIR" for an old cert8.db, "" for neither.
std::string nss_db(const fs::path& dir) {
  if (is_file(dir / "cert9.db")) return "sql:" + dir.string();
  if (is_file(dir / "cert8.db")) return "dbm:" + dir.string();
  return {};
}

// Chrome's database and every Firefox profile, in a fixed order.
std::vector<std::pair<std::string, std::string>> nss_databases(const trust::Layout& l) {
  std::vector<std::pair<std::string, std::string>> dbs;
  if (auto db = nss_db(l.in_home(".pki/nssdb")); !db.empty()) dbs.emplace_back("NSS database " + l.in_home(".pki/nssdb").string() + " (Chrome, Chromium)", db);
  for (const char* profiles : {".mozilla/firefox", "snap/firefox/common/.mozilla/firefox",
                               "Library/Application Support/Firefox/Profiles"}) {
    fs::path base = l.in_home(profiles);
    for (const auto& p : visible_subfolders(base))
      if (auto db = nss_db(base / p); !db.empty()) dbs.emplace_back("Firefox profile " + (base / p).string(), db);
  }
  return dbs;
}

std::optional<std::string> tool(const std::string& name, const fs::path& fallback) {
  if (auto p = find_program(name)) return p->string();
  if (is_file(fallback) && access(fallback.c_str(), X_OK) == 0) return fallback.string();
  return std::nullopt;
}

}  // namespace

std::vector<Store> stores(const Context& c, std::vector<std::string>& skipped) {
  std::vector<Store> out;
  if (!c.layout.redirected() && find_program("mkcert")) {
    out.push_back(mkcert_store(c));
    return out;
  }
  if (kMacOS && !c.layout.redirected()) {
    out.push_back(keychain_store(c));
  } else if (auto t = tool("update-ca-certificates", "/usr/sbin/update-ca-certificates")) {
    out.push_back(debian_store(c, *t));
  } else if (find_program("trust") && !c.layout.redirected()) {
    out.push_back(p11_store(c));
  } else {
    skipped.push_back(c.layout.redirected() && find_program("trust")
                          ? "system store: p11-kit's trust cannot work on --store-dir (only update-ca-certificates can)"
                          : "system store: neither update-ca-certificates nor trust (p11-kit) is installed; install "
                            "ca-certificates or p11-kit, or mkcert");
  }
  auto dbs = nss_databases(c.layout);
  if (!dbs.empty() && !find_program("certutil")) {
    for (const auto& [name, db] : dbs)
      skipped.push_back(name + ": certutil is not installed (Debian, Ubuntu: libnss3-tools; Fedora: nss-tools)");
    return out;
  }
  for (const auto& [name, db] : dbs) out.push_back(nss_store(c, name, db));
  return out;
}

}  // namespace lo::cmd::trusting
