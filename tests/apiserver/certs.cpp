#include "certs.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>

namespace lotest {
namespace {

template <typename T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

[[noreturn]] void fail(const std::string& step) {
  char buf[256] = {0};
  ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
  throw std::runtime_error("openssl: " + step + ": " + buf);
}

void check(int ok, const std::string& step) {
  if (ok != 1) fail(step);
}

Key newKey() {
  // P-256 keys are quick to make and every Kubernetes client accepts them.
  Key key(EVP_EC_gen("P-256"));
  if (!key) fail("generate EC key");
  return key;
}

std::string bioText(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(len));
}

std::string certPem(X509* cert) {
  Bio bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_X509(bio.get(), cert), "write certificate PEM");
  return bioText(bio.get());
}

std::string keyPem(EVP_PKEY* key) {
  Bio bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr),
        "write key PEM");
  return bioText(bio.get());
}

void addExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!ext) fail(std::string("make extension ") + OBJ_nid2sn(nid));
  check(X509_add_ext(cert, ext, -1), "add extension");
  X509_EXTENSION_free(ext);
}

void setSubject(X509* cert, const std::string& cn, const std::string& org) {
  X509_NAME* name = X509_get_subject_name(cert);
  auto add = [&](const char* field, const std::string& value) {
    check(X509_NAME_add_entry_by_txt(name, field, MBSTRING_ASC,
                                     reinterpret_cast<const unsigned char*>(value.c_str()), -1,
                                     -1, 0),
          "set subject");
  };
  if (!org.empty()) add("O", org);
  add("CN", cn);
}

struct CertSpec {
  std::string cn;
  std::string org;
  bool ca = false;
  std::string extendedUsage;  // serverAuth / clientAuth
  std::string altNames;       // IP:127.0.0.1,DNS:localhost
};

// Makes a certificate for `key`, signed by `issuerKey` (self-signed when
// `issuer` is null), valid from an hour ago for ten years.
Cert makeCert(const CertSpec& spec, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuerKey) {
  Cert cert(X509_new());
  if (!cert) fail("new certificate");
  check(X509_set_version(cert.get(), 2), "set version");
  unsigned char serial[16];
  check(RAND_bytes(serial, sizeof serial), "serial");
  serial[0] &= 0x7f;  // keep the serial positive
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 10L * 365 * 24 * 3600);
  setSubject(cert.get(), spec.cn, spec.org);
  X509* signer = issuer ? issuer : cert.get();
  check(X509_set_issuer_name(cert.get(), X509_get_subject_name(signer)), "set issuer");
  check(X509_set_pubkey(cert.get(), key), "set public key");

  addExtension(cert.get(), signer, NID_subject_key_identifier, "hash");
  if (spec.ca) {
    addExtension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
    addExtension(cert.get(), signer, NID_key_usage,
                 "critical,keyCertSign,cRLSign,digitalSignature");
  } else {
    addExtension(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
    addExtension(cert.get(), signer, NID_key_usage, "critical,digitalSignature,keyEncipherment");
    addExtension(cert.get(), signer, NID_authority_key_identifier, "keyid:always");
    addExtension(cert.get(), signer, NID_ext_key_usage, spec.extendedUsage.c_str());
    if (!spec.altNames.empty())
      addExtension(cert.get(), signer, NID_subject_alt_name, spec.altNames.c_str());
  }
  if (X509_sign(cert.get(), issuerKey ? issuerKey : key, EVP_sha256()) <= 0) fail("sign");
  return cert;
}

}  // namespace

std::string randomHex(int n) {
  std::string bytes(static_cast<size_t>(n), '\0');
  check(RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), n), "random bytes");
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

Credentials mintCredentials() {
  Credentials out;
  Key caKey = newKey();
  Cert ca = makeCert({"lo-test-ca", "", true, "", ""}, caKey.get(), nullptr, nullptr);

  Key serverKey = newKey();
  Cert server = makeCert({"lo-test-apiserver", "", false, "serverAuth",
                          "IP:127.0.0.1,DNS:localhost"},
                         serverKey.get(), ca.get(), caKey.get());

  Key clientKey = newKey();
  Cert client = makeCert({"lo-test-admin", "system:masters", false, "clientAuth", ""},
                         clientKey.get(), ca.get(), caKey.get());

  out.caCert = certPem(ca.get());
  out.serverCert = certPem(server.get());
  out.serverKey = keyPem(serverKey.get());
  out.clientCert = certPem(client.get());
  out.clientKey = keyPem(clientKey.get());
  out.token = randomHex(32);
  return out;
}

}  // namespace lotest
