// Where this machine keeps the certificates it trusts, and whether the
// development CA (certs.hpp) is among them: `kubectl lo trust` installs it
// there, `doctor` reports it, and `lo-registry up` (so also `provision`)
// nudges when registry TLS is on and the system store does not trust it.
//
// A Layout maps the machine's paths. Normally they are the machine's own;
// with a store folder (`kubectl lo trust --store-dir DIR`, or
// LOK8S_TRUST_STORE_DIR for every lo binary) every system path and every
// path under $HOME is taken under DIR instead (/etc/ssl/certs ->
// DIR/etc/ssl/certs, $HOME/.pki/nssdb -> DIR/$HOME/.pki/nssdb): a trust
// store laid out in a scratch folder, for tests and for trying it safely.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace lo::trust {

struct Layout {
  std::filesystem::path root;  // empty: the machine's own paths
  std::filesystem::path home;  // $HOME as it is (not under root)

  bool redirected() const { return !root.empty(); }
  // `p` (absolute) on this layout: root/p without its leading '/'.
  std::filesystem::path at(const std::filesystem::path& p) const;
  // `rel` under $HOME on this layout.
  std::filesystem::path in_home(const std::filesystem::path& rel) const { return at(home / rel); }
};

// `store_dir` (the flag) when given, else LOK8S_TRUST_STORE_DIR when set,
// else the machine's own paths. $HOME unset counts as "/".
Layout layout(const std::optional<std::string>& store_dir = std::nullopt);

// The CA bundles of the Linux families, in the order they are looked for:
// Debian/Ubuntu/Arch, Fedora/RHEL, openSUSE, Alpine.
const std::vector<std::filesystem::path>& system_bundles();
// The first of them that exists on this layout; nullopt when none does.
std::optional<std::filesystem::path> system_bundle(const Layout& l);

// True when the PEM text `bundle` holds the certificate `cert_pem` (the
// same DER, whatever the line breaks).
bool bundle_has(const std::string& bundle, const std::string& cert_pem);

// Whether the system store trusts the certificate in `cert_file` (a PEM
// file, rootCA.pem): on Linux, whether the system bundle holds it; on
// macOS, whether `security verify-cert` accepts it. nullopt when it cannot
// be told (no such file, no bundle, no `security`).
std::optional<bool> system_trusts(const Layout& l, const std::filesystem::path& cert_file);

}  // namespace lo::trust
