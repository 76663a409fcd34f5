#include "lo/trust.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "lo/error.hpp"
#include "lo/exec.hpp"
#include "lo/fs.hpp"

namespace lo::trust {
namespace fs = std::filesystem;

namespace {

// The base64 body of the first PEM block of `pem`, without whitespace.
std::string pem_body(const std::string& pem) {
  const std::string begin = "-----BEGIN CERTIFICATE-----", end = "-----END CERTIFICATE-----";
  auto b = pem.find(begin);
  if (b == std::string::npos) return {};
  b += begin.size();
  auto e = pem.find(end, b);
  if (e == std::string::npos) return {};
  std::string out;
  for (size_t i = b; i < e; ++i)
    if (!std::isspace(static_cast<unsigned char>(pem[i]))) out += pem[i];
  return out;
}

std::string without_space(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s)
    if (!std::isspace(static_cast<unsigned char>(c))) out += c;
  return out;
}

}  // namespace

fs::path Layout::at(const fs::path& p) const {
  if (root.empty()) return p;
  return root / p.relative_path();
}

Layout layout(const std::optional<std::string>& store_dir) {
  Layout l;
  if (store_dir && !store_dir->empty()) l.root = fs::absolute(*store_dir);
  else if (const char* e = std::getenv("LOK8S_TRUST_STORE_DIR"); e && *e) l.root = fs::absolute(e);
  const char* h = std::getenv("HOME");
  l.home = (h && *h) ? fs::path(h) : fs::path("/");
  return l;
}

const std::vector<fs::path>& system_bundles() {
  static const std::vector<fs::path> bundles = {
      "/etc/ssl/certs/ca-certificates.crt",  // Debian, Ubuntu, Arch, Gentoo
      "/etc/pki/tls/certs/ca-bundle.crt",    // Fedora, RHEL
      "/etc/ssl/ca-bundle.pem",              // openSUSE
      "/etc/ssl/cert.pem",                   // Alpine
  };
  return bundles;
}

std::optional<fs::path> system_bundle(const Layout& l) {
  for (const auto& b : system_bundles()) {
    std::error_code ec;
    if (fs::is_regular_file(l.at(b), ec)) return l.at(b);
  }
  return std::nullopt;
}

bool bundle_has(const std::string& bundle, const std::string& cert_pem) {
  std::string body = pem_body(cert_pem);
  if (body.empty()) return false;
  return without_space(bundle).find(body) != std::string::npos;
}

std::optional<bool> system_trusts(const Layout& l, const fs::path& cert_file) {
  std::error_code ec;
  if (!fs::is_regular_file(cert_file, ec)) return std::nullopt;
#ifdef __APPLE__
  if (!l.redirected()) {
    if (!find_program("security")) return std::nullopt;
    return run({"security", "verify-cert", "-c", cert_file.string()}).ok();
  }
#endif
  auto bundle = system_bundle(l);
  if (!bundle) return std::nullopt;
  try {
    return bundle_has(read_file(*bundle, 64 << 20), read_file(cert_file, 1 << 20));
  } catch (const Error&) {
    return std::nullopt;
  }
}

}  // namespace lo::trust
