// The trust stores `kubectl lo trust` installs the development CA into
// (trust_stores.cpp), each one a question (does it trust the CA?) and two
// changes (add, remove) run through a lo::Runner, so --dry-run prints them:
//   - mkcert, when it is installed and the layout is the machine's own:
//     `mkcert -install` / `-uninstall` with CAROOT set (it does the system
//     store, NSS and Java its own way);
//   - otherwise the system store: update-ca-certificates (Debian, Ubuntu:
//     the CA copied to /usr/local/share/ca-certificates), or p11-kit's
//     `trust anchor` (Fedora, Arch), or the macOS login keychain (`security`);
//     and every NSS database (`certutil`): ~/.pki/nssdb (Chrome, Chromium)
//     and each Firefox profile.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "lo/runner.hpp"
#include "lo/trust.hpp"

namespace lo::cmd::trusting {

struct Context {
  trust::Layout layout;
  std::filesystem::path ca_file;  // CAROOT/rootCA.pem
  std::string ca_pem;
  std::string fingerprint;        // SHA-256, hex
  Runner* runner = nullptr;
};

struct Store {
  std::string name;        // "system store (update-ca-certificates)", "NSS database ~/.pki/nssdb"
  std::string privileges;  // what a change needs beyond the user's own rights ("" when nothing)
  std::function<bool()> has;
  std::function<void()> add;
  std::function<void()> remove;
};

// The stores of this machine (or layout). `skipped` gets a line for each
// store lo cannot change here and why (no certutil for a Firefox profile,
// no system trust tool, a store that cannot be redirected).
std::vector<Store> stores(const Context& c, std::vector<std::string>& skipped);

// The nickname of lo's CA in NSS databases.
inline constexpr const char* kNssNickname = "lo development CA";

}  // namespace lo::cmd::trusting
