#include "lo/certs.hpp"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <set>

#include <yaml-cpp/yaml.h>

#include "lo/error.hpp"
#include "lo/fs.hpp"
#include "lo/kubeconfig.hpp"

namespace lo::certs {
namespace fs = std::filesystem;

namespace {

template <auto F>
struct Free {
  template <class T>
  void operator()(T* p) const { F(p); }
};
using BioPtr = std::unique_ptr<BIO, Free<BIO_free_all>>;
using KeyPtr = std::unique_ptr<EVP_PKEY, Free<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Free<X509_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Free<X509_EXTENSION_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Free<BN_free>>;
using NamesPtr = std::unique_ptr<GENERAL_NAMES, Free<GENERAL_NAMES_free>>;

// The OpenSSL error queue as text (emptied), for messages.
std::string ssl_error() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? "unknown OpenSSL error" : out;
}

[[noreturn]] void fail(const std::string& what) { throw Error(what + ": " + ssl_error()); }

KeyPtr new_key() {
  KeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) fail("cannot generate an ECDSA P-256 key");
  return key;
}

std::string key_to_pem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  // PKCS#8 ("PRIVATE KEY"), the form mkcert reads its CA key in.
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    fail("cannot encode a private key");
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  std::string pem(data, static_cast<size_t>(n));
  OPENSSL_cleanse(data, static_cast<size_t>(n));
  return pem;
}

std::string cert_to_pem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) fail("cannot encode a certificate");
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

X509Ptr cert_from_pem(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  ERR_clear_error();
  return cert;
}

KeyPtr key_from_pem(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  KeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  ERR_clear_error();
  return key;
}

void add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) fail("cannot add certificate extension " + std::string(OBJ_nid2sn(nid)));
}

// A certificate skeleton: v3, random 128-bit serial, validity from an hour
// ago (clock skew between host and containers) for `days` days.
X509Ptr new_cert(EVP_PKEY* key, int days) {
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), 2) != 1) fail("cannot create a certificate");
  BnPtr serial(BN_new());
  if (!serial || BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())))
    fail("cannot create a certificate serial number");
  if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) ||
      !X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(days) * 86400))
    fail("cannot set certificate validity");
  if (X509_set_pubkey(cert.get(), key) != 1) fail("cannot set certificate key");
  return cert;
}

void set_name(X509_NAME* name, const std::string& org, const std::string& unit, const std::string& cn) {
  auto add = [&](const char* field, const std::string& v) {
    if (v.empty()) return;
    // A CN longer than 64 characters is not allowed; cut it (SANs carry the names).
    std::string value = v.substr(0, 64);
    if (X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(value.c_str()),
                                   -1, -1, 0) != 1)
      fail(std::string("cannot set certificate name field ") + field);
  };
  add("O", org);
  add("OU", unit);
  add("CN", cn);
}

std::string user_at_host() {
  const char* user = std::getenv("USER");
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = 0;
  return std::string(user && *user ? user : "user") + "@" + (host[0] ? host : "localhost");
}

bool is_ip(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

std::string ip_text(const ASN1_OCTET_STRING* ip) {
  char buf[INET6_ADDRSTRLEN] = {0};
  int len = ASN1_STRING_length(ip);
  const unsigned char* d = ASN1_STRING_get0_data(ip);
  if (len == 4) inet_ntop(AF_INET, d, buf, sizeof buf);
  else if (len == 16) inet_ntop(AF_INET6, d, buf, sizeof buf);
  return buf;
}

std::string hex(const unsigned char* d, unsigned n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < n; ++i) {
    out += digits[d[i] >> 4];
    out += digits[d[i] & 15];
  }
  return out;
}

}  // namespace

fs::path ca_root() {
  if (const char* c = std::getenv("CAROOT"); c && *c) return fs::path(c);
  if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x) return fs::path(x) / "mkcert";
  if (const char* h = std::getenv("HOME"); h && *h) return fs::path(h) / ".local" / "share" / "mkcert";
  throw Error("cannot tell where the development CA lives: CAROOT, XDG_DATA_HOME and HOME are all unset",
              "set CAROOT to the folder of rootCA.pem (mkcert -CAROOT prints it)");
}

std::string fingerprint(const std::string& cert_pem) {
  X509Ptr cert = cert_from_pem(cert_pem);
  if (!cert) return {};
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  if (X509_digest(cert.get(), EVP_sha256(), md, &n) != 1) return {};
  return hex(md, n);
}

std::optional<Ca> load_ca(const fs::path& dir) {
  fs::path cert_file = dir / "rootCA.pem", key_file = dir / "rootCA-key.pem";
  std::error_code ec;
  if (!fs::exists(cert_file, ec)) return std::nullopt;
  if (!fs::exists(key_file, ec))
    throw Error("the development CA at " + dir.string() + " has rootCA.pem but no rootCA-key.pem, so it cannot sign certificates",
                "copy rootCA-key.pem there (mkcert keeps it beside rootCA.pem), or point CAROOT at a folder with both");
  Ca ca;
  ca.dir = dir;
  ca.cert_pem = read_file(cert_file, 1 << 20);
  ca.key_pem = read_file(key_file, 1 << 20);
  X509Ptr cert = cert_from_pem(ca.cert_pem);
  if (!cert) throw Error(Location{cert_file.string()}, "is not a PEM certificate", "remove it (and rootCA-key.pem) to let lo create a new CA");
  KeyPtr key = key_from_pem(ca.key_pem);
  if (!key) throw Error(Location{key_file.string()}, "is not a PEM private key", "remove it (and rootCA.pem) to let lo create a new CA");
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    throw Error(Location{key_file.string()}, "does not belong to rootCA.pem beside it",
                "restore the matching pair, or remove both to let lo create a new CA");
  }
  if (X509_check_ca(cert.get()) == 0)
    throw Error(Location{cert_file.string()}, "is not a CA certificate (no CA:TRUE basic constraint)");
  ca.fingerprint = fingerprint(ca.cert_pem);
  return ca;
}

Ca create_ca(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir / "rootCA.pem", ec))
    throw Error("a development CA already exists at " + dir.string() + "; lo never replaces it");
  KeyPtr key = new_key();
  X509Ptr cert = new_cert(key.get(), 3650);
  std::string who = user_at_host();
  X509_NAME* name = X509_get_subject_name(cert.get());
  set_name(name, "lo development CA", who, "lo " + who);
  if (X509_set_issuer_name(cert.get(), name) != 1) fail("cannot set CA issuer");
  add_ext(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
  add_ext(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  add_ext(cert.get(), cert.get(), NID_subject_key_identifier, "hash");
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) fail("cannot sign the CA certificate");
  Ca ca;
  ca.dir = dir;
  ca.cert_pem = cert_to_pem(cert.get());
  ca.key_pem = key_to_pem(key.get());
  // The key first: a rootCA.pem without its key would be an unusable CA.
  write_file_atomic(dir / "rootCA-key.pem", ca.key_pem, fs::perms(0600));
  write_file_atomic(dir / "rootCA.pem", ca.cert_pem, fs::perms(0644));
  ca.fingerprint = fingerprint(ca.cert_pem);
  return ca;
}

Leaf mint_leaf(const Ca& ca, const std::vector<std::string>& sans_in, int valid_days) {
  std::vector<std::string> sans = unique_sans(sans_in);
  if (sans.empty()) throw Error("cannot mint a certificate without any name (SAN)");
  X509Ptr ca_cert = cert_from_pem(ca.cert_pem);
  KeyPtr ca_key = key_from_pem(ca.key_pem);
  if (!ca_cert || !ca_key) throw Error("the development CA at " + ca.dir.string() + " cannot be read");
  KeyPtr key = new_key();
  X509Ptr cert = new_cert(key.get(), valid_days);
  set_name(X509_get_subject_name(cert.get()), "lo development certificate", user_at_host(), sans[0]);
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(ca_cert.get())) != 1) fail("cannot set certificate issuer");
  std::string san;
  for (const auto& s : sans) {
    if (s.find_first_of(",\n\r") != std::string::npos) throw Error("invalid certificate name '" + s + "'");
    san += (san.empty() ? "" : ",") + std::string(is_ip(s) ? "IP:" : "DNS:") + s;
  }
  add_ext(cert.get(), ca_cert.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_ext(cert.get(), ca_cert.get(), NID_key_usage, "critical,digitalSignature");
  add_ext(cert.get(), ca_cert.get(), NID_ext_key_usage, "serverAuth");
  add_ext(cert.get(), ca_cert.get(), NID_subject_key_identifier, "hash");
  // CAs made by other tools may lack a subject key id; then there is none to point at.
  // Only when the CA carries a subjectKeyIdentifier extension (OpenSSL 3 may
  // report a computed one for a CA that has none, and then cannot use it).
  if (X509_get_ext_by_NID(ca_cert.get(), NID_subject_key_identifier, -1) >= 0)
    add_ext(cert.get(), ca_cert.get(), NID_authority_key_identifier, "keyid");
  add_ext(cert.get(), ca_cert.get(), NID_subject_alt_name, san);
  if (X509_sign(cert.get(), ca_key.get(), EVP_sha256()) <= 0) fail("cannot sign the certificate");
  return Leaf{cert_to_pem(cert.get()), key_to_pem(key.get())};
}

std::optional<CertInfo> inspect(const std::string& cert_pem, const Ca* ca) {
  X509Ptr cert = cert_from_pem(cert_pem);
  if (!cert) return std::nullopt;
  CertInfo info;
  NamesPtr names(static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert.get(), NID_subject_alt_name, nullptr, nullptr)));
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* g = sk_GENERAL_NAME_value(names.get(), i);
    if (g->type == GEN_DNS) {
      const ASN1_IA5STRING* s = g->d.dNSName;
      info.sans.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), static_cast<size_t>(ASN1_STRING_length(s)));
    } else if (g->type == GEN_IPADD) {
      info.sans.push_back(ip_text(g->d.iPAddress));
    }
  }
  struct tm t {};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert.get()), &t) == 1) info.not_after = timegm(&t);
  if (ca) {
    X509Ptr ca_cert = cert_from_pem(ca->cert_pem);
    EVP_PKEY* ca_pub = ca_cert ? X509_get0_pubkey(ca_cert.get()) : nullptr;
    info.signed_by_ca = ca_pub && X509_NAME_cmp(X509_get_issuer_name(cert.get()), X509_get_subject_name(ca_cert.get())) == 0 &&
                        X509_verify(cert.get(), ca_pub) == 1;
    ERR_clear_error();
  }
  return info;
}

bool still_good(const std::string& cert_pem, const Ca& ca, const std::vector<std::string>& sans, int min_days) {
  auto info = inspect(cert_pem, &ca);
  if (!info || !info->signed_by_ca) return false;
  if (info->not_after < std::time(nullptr) + static_cast<std::time_t>(min_days) * 86400) return false;
  std::set<std::string> have(info->sans.begin(), info->sans.end());
  for (const auto& s : sans)
    if (!s.empty() && !have.count(s)) return false;
  return true;
}

std::vector<std::string> unique_sans(const std::vector<std::string>& sans) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& s : sans)
    if (!s.empty() && seen.insert(s).second) out.push_back(s);
  return out;
}

std::string tls_secret_manifest(const std::string& name, const Leaf& leaf, const std::string& ca_pem, const std::string& comment) {
  std::string out;
  if (!comment.empty()) {
    size_t start = 0;
    while (start <= comment.size()) {
      size_t nl = comment.find('\n', start);
      std::string line = comment.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
      out += "# " + line + "\n";
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
  }
  out += "apiVersion: v1\nkind: Secret\nmetadata:\n  name: " + name +
         "\n  labels:\n    app.kubernetes.io/managed-by: lo\ntype: kubernetes.io/tls\ndata:\n";
  out += "  ca.crt: " + base64_encode(ca_pem) + "\n";
  out += "  tls.crt: " + base64_encode(leaf.cert_pem) + "\n";
  out += "  tls.key: " + base64_encode(leaf.key_pem) + "\n";
  return out;
}

std::optional<std::string> secret_manifest_cert(const std::string& manifest) {
  try {
    YAML::Node doc = YAML::Load(manifest);
    YAML::Node crt = doc["data"]["tls.crt"];
    if (!crt || !crt.IsScalar()) return std::nullopt;
    return base64_decode(crt.as<std::string>());
  } catch (const YAML::Exception&) {
    return std::nullopt;
  }
}

}  // namespace lo::certs
