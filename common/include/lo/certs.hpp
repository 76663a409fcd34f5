// The development CA and the certificates it signs, minted in-process with
// OpenSSL (no mkcert or openssl binary needed).
//
// The CA lives where mkcert keeps its own, in mkcert's file layout, so that
// `mkcert -install` (or `lo trust`) and lo share one CA:
//   CAROOT = $CAROOT, else $XDG_DATA_HOME/mkcert, else ~/.local/share/mkcert
//   CAROOT/rootCA.pem      the CA certificate (0644)
//   CAROOT/rootCA-key.pem  its private key, PKCS#8 PEM (0600)
// A CA that is already there (lo's or mkcert's own) is reused, never replaced.
//
// Leaf certificates: ECDSA P-256 keys, serverAuth, SANs split into IP and DNS
// entries, valid 825 days (the longest validity clients accept for a
// server certificate). Key material never reaches a log line.
#pragma once

#include <ctime>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace lo::certs {

// The CAROOT folder (see above). Throws lo::Error when neither CAROOT,
// XDG_DATA_HOME nor HOME is set.
std::filesystem::path ca_root();

struct Ca {
  std::filesystem::path dir;
  std::string cert_pem;
  std::string key_pem;
  std::string fingerprint;  // SHA-256 of the certificate (hex, lower case)
};

// Loads the CA of `dir`; nullopt when rootCA.pem is absent. Throws lo::Error
// when it is there but unusable (no key file, unreadable, key not matching).
std::optional<Ca> load_ca(const std::filesystem::path& dir);

// Creates a new CA in `dir` (ECDSA P-256, 10 years, CA:TRUE pathlen:0,
// keyCertSign + cRLSign). Refuses to overwrite an existing rootCA.pem.
Ca create_ca(const std::filesystem::path& dir);

struct Leaf {
  std::string cert_pem;
  std::string key_pem;
};

// A server certificate for `sans` (IPv4/IPv6 literals become IP SANs, the
// rest DNS SANs; the first one is also the subject CN), signed by `ca`.
Leaf mint_leaf(const Ca& ca, const std::vector<std::string>& sans, int valid_days = 825);

// What lo needs to know about an existing certificate.
struct CertInfo {
  std::vector<std::string> sans;  // DNS and IP SANs, in certificate order
  std::time_t not_after = 0;
  bool signed_by_ca = false;      // issued (and signed) by the CA given
};
// nullopt when `cert_pem` is not a PEM certificate.
std::optional<CertInfo> inspect(const std::string& cert_pem, const Ca* ca);

// True when `cert_pem` is a certificate signed by `ca`, carrying every SAN
// of `sans`, valid for at least `min_days` more days.
bool still_good(const std::string& cert_pem, const Ca& ca, const std::vector<std::string>& sans, int min_days = 30);

// SANs in order, duplicates dropped (first one kept), empty entries skipped.
std::vector<std::string> unique_sans(const std::vector<std::string>& sans);

// SHA-256 fingerprint (hex) of the first certificate of `cert_pem`; empty
// when it is not a certificate.
std::string fingerprint(const std::string& cert_pem);

// The kubernetes.io/tls Secret manifest `name` for a leaf (no namespace, so
// that a target's kustomize namespace applies), with ca.crt beside
// tls.crt/tls.key.
std::string tls_secret_manifest(const std::string& name, const Leaf& leaf, const std::string& ca_pem,
                                const std::string& comment);
// tls.crt of such a manifest; nullopt when the text has none.
std::optional<std::string> secret_manifest_cert(const std::string& manifest);

}  // namespace lo::certs
