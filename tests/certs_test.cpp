// The development CA and its certificates (certs.hpp). Certificates are read
// back with OpenSSL directly, not with the code under test.
#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <random>

#include "lo/certs.hpp"
#include "lo/docker.hpp"
#include "lo/error.hpp"
#include "lo/fs.hpp"

namespace fs = std::filesystem;

namespace {

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using Cert = std::unique_ptr<X509, X509Free>;

Cert parse(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  Cert c(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  return c;
}

struct San {
  bool ip;
  std::string value;
  bool operator==(const San&) const = default;
};

std::vector<San> sans_of(X509* c) {
  std::vector<San> out;
  auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(c, NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names); ++i) {
    GENERAL_NAME* g = sk_GENERAL_NAME_value(names, i);
    if (g->type == GEN_DNS) {
      out.push_back({false, reinterpret_cast<const char*>(ASN1_STRING_get0_data(g->d.dNSName))});
    } else if (g->type == GEN_IPADD) {
      const unsigned char* d = ASN1_STRING_get0_data(g->d.iPAddress);
      out.push_back({true, std::to_string(d[0]) + "." + std::to_string(d[1]) + "." + std::to_string(d[2]) + "." +
                               std::to_string(d[3])});
    }
  }
  GENERAL_NAMES_free(names);
  return out;
}

bool verifies(const std::string& leaf_pem, const std::string& ca_pem) {
  Cert leaf = parse(leaf_pem), ca = parse(ca_pem);
  return leaf && ca && X509_verify(leaf.get(), X509_get0_pubkey(ca.get())) == 1;
}

int days_valid(X509* c) {
  int days = 0, secs = 0;
  ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(c), X509_get0_notAfter(c));
  return days;
}

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st.st_mode & 0777;
}

class CertsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("lo-certs-test-" + std::to_string(rd()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    fs::remove_all(dir_);
    for (const auto& [k, v] : saved_)
      if (v) ::setenv(k.c_str(), v->c_str(), 1);
      else ::unsetenv(k.c_str());
  }
  void env(const std::string& k, const char* v) {
    if (!saved_.count(k)) {
      const char* old = std::getenv(k.c_str());
      saved_[k] = old ? std::optional<std::string>(old) : std::nullopt;
    }
    if (v) ::setenv(k.c_str(), v, 1);
    else ::unsetenv(k.c_str());
  }
  fs::path dir_;
  std::map<std::string, std::optional<std::string>> saved_;
};

TEST_F(CertsTest, CaRootFollowsMkcertOrder) {
  env("CAROOT", "/x/ca");
  env("XDG_DATA_HOME", "/x/data");
  env("HOME", "/x/home");
  EXPECT_EQ(lo::certs::ca_root(), fs::path("/x/ca"));
  env("CAROOT", nullptr);
  EXPECT_EQ(lo::certs::ca_root(), fs::path("/x/data/mkcert"));
  env("XDG_DATA_HOME", "");
  EXPECT_EQ(lo::certs::ca_root(), fs::path("/x/home/.local/share/mkcert"));
  env("HOME", nullptr);
  EXPECT_THROW(lo::certs::ca_root(), lo::Error);
}

TEST_F(CertsTest, CreatesCaInMkcertLayout) {
  EXPECT_FALSE(lo::certs::load_ca(dir_).has_value());
  lo::certs::Ca ca = lo::certs::create_ca(dir_);
  EXPECT_EQ(mode_of(dir_ / "rootCA.pem"), 0644u);
  EXPECT_EQ(mode_of(dir_ / "rootCA-key.pem"), 0600u);
  EXPECT_EQ(lo::read_file(dir_ / "rootCA.pem"), ca.cert_pem);
  EXPECT_NE(lo::read_file(dir_ / "rootCA-key.pem").find("-----BEGIN PRIVATE KEY-----"), std::string::npos)
      << "mkcert reads its CA key as PKCS#8";
  Cert c = parse(ca.cert_pem);
  ASSERT_TRUE(c);
  EXPECT_EQ(X509_check_ca(c.get()), 1);
  EXPECT_EQ(X509_get_pathlen(c.get()), 0);
  EXPECT_TRUE(X509_get_key_usage(c.get()) & KU_KEY_CERT_SIGN);
  EXPECT_GE(days_valid(c.get()), 3650);
  EXPECT_EQ(X509_check_issued(c.get(), c.get()), X509_V_OK) << "self-signed";
}

TEST_F(CertsTest, ReusesAnExistingCaAndNeverReplacesIt) {
  lo::certs::Ca first = lo::certs::create_ca(dir_);
  auto again = lo::certs::load_ca(dir_);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->fingerprint, first.fingerprint);
  EXPECT_EQ(again->fingerprint.size(), 64u);
  EXPECT_THROW(lo::certs::create_ca(dir_), lo::Error);
  EXPECT_EQ(lo::read_file(dir_ / "rootCA.pem"), first.cert_pem);
}

TEST_F(CertsTest, UnusableCaIsAnErrorNotReplaced) {
  lo::certs::Ca ca = lo::certs::create_ca(dir_);
  fs::remove(dir_ / "rootCA-key.pem");
  try {
    lo::certs::load_ca(dir_);
    FAIL() << "a CA without its key must not load";
  } catch (const lo::Error& e) {
    EXPECT_NE(std::string(e.what()).find("rootCA-key.pem"), std::string::npos);
  }
  // A key of another CA beside it.
  fs::path other = dir_ / "other";
  lo::certs::create_ca(other);
  fs::copy_file(other / "rootCA-key.pem", dir_ / "rootCA-key.pem");
  EXPECT_THROW(lo::certs::load_ca(dir_), lo::Error);
}

TEST_F(CertsTest, LeafCarriesIpAndDnsSansSignedByTheCa) {
  lo::certs::Ca ca = lo::certs::create_ca(dir_);
  lo::certs::Leaf leaf =
      lo::certs::mint_leaf(ca, {"lok8s.local", "10.125.125.101", "docker.io", "10.125.200.2", "lok8s.local", ""});
  Cert c = parse(leaf.cert_pem);
  ASSERT_TRUE(c);
  std::vector<San> want = {{false, "lok8s.local"}, {true, "10.125.125.101"}, {false, "docker.io"}, {true, "10.125.200.2"}};
  EXPECT_EQ(sans_of(c.get()), want);
  EXPECT_TRUE(verifies(leaf.cert_pem, ca.cert_pem));
  EXPECT_EQ(X509_check_purpose(c.get(), X509_PURPOSE_SSL_SERVER, 0), 1);
  EXPECT_TRUE(X509_get_extended_key_usage(c.get()) & XKU_SSL_SERVER);
  EXPECT_EQ(X509_check_ca(c.get()), 0);
  EXPECT_EQ(days_valid(c.get()), 825);  // from an hour ago: 825 days and 1 hour
  EXPECT_NE(leaf.key_pem.find("PRIVATE KEY"), std::string::npos);
  // The key belongs to the certificate.
  BIO* bio = BIO_new_mem_buf(leaf.key_pem.data(), static_cast<int>(leaf.key_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  ASSERT_TRUE(key);
  EXPECT_EQ(X509_check_private_key(c.get(), key), 1);
  EVP_PKEY_free(key);
}

TEST_F(CertsTest, StillGoodOnlyWhileNamesCaAndTimeFit) {
  lo::certs::Ca ca = lo::certs::create_ca(dir_);
  lo::certs::Leaf leaf = lo::certs::mint_leaf(ca, {"a.test", "10.0.0.1"});
  EXPECT_TRUE(lo::certs::still_good(leaf.cert_pem, ca, {"a.test", "10.0.0.1"}));
  EXPECT_TRUE(lo::certs::still_good(leaf.cert_pem, ca, {"10.0.0.1"})) << "a subset is covered";
  EXPECT_FALSE(lo::certs::still_good(leaf.cert_pem, ca, {"a.test", "10.0.0.1", "b.test"})) << "a new name re-mints";
  lo::certs::Ca other = lo::certs::create_ca(dir_ / "other");
  EXPECT_FALSE(lo::certs::still_good(leaf.cert_pem, other, {"a.test"})) << "another CA re-mints";
  lo::certs::Leaf short_lived = lo::certs::mint_leaf(ca, {"a.test"}, 10);
  EXPECT_FALSE(lo::certs::still_good(short_lived.cert_pem, ca, {"a.test"})) << "expiring within 30 days re-mints";
  EXPECT_FALSE(lo::certs::still_good("not a certificate", ca, {"a.test"}));
  auto info = lo::certs::inspect(leaf.cert_pem, &other);
  ASSERT_TRUE(info);
  EXPECT_FALSE(info->signed_by_ca);
  EXPECT_EQ(info->sans, (std::vector<std::string>{"a.test", "10.0.0.1"}));
}

TEST_F(CertsTest, SignsWithAnExistingRsaCa) {
  // A CA made the way mkcert makes its own (RSA, PKCS#8 key), not by lo.
  EVP_PKEY* key = EVP_RSA_gen(2048);
  ASSERT_TRUE(key);
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
  X509_gmtime_adj(X509_getm_notBefore(x), 0);
  X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 365);
  X509_set_pubkey(x, key);
  X509_NAME* n = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("mkcert test"), -1, -1, 0);
  X509_set_issuer_name(x, n);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
  X509_EXTENSION* bc = X509V3_EXT_conf_nid(nullptr, &ctx, NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
  X509_add_ext(x, bc, -1);
  X509_EXTENSION_free(bc);
  X509_sign(x, key, EVP_sha256());
  BIO* cb = BIO_new(BIO_s_mem());
  BIO* kb = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(cb, x);
  PEM_write_bio_PrivateKey(kb, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* d = nullptr;
  long len = BIO_get_mem_data(cb, &d);
  std::string ca_pem(d, static_cast<size_t>(len));
  len = BIO_get_mem_data(kb, &d);
  lo::write_file_atomic(dir_ / "rootCA.pem", ca_pem);
  lo::write_file_atomic(dir_ / "rootCA-key.pem", std::string(d, static_cast<size_t>(len)), fs::perms(0400));
  BIO_free(cb);
  BIO_free(kb);
  X509_free(x);
  EVP_PKEY_free(key);

  auto ca = lo::certs::load_ca(dir_);
  ASSERT_TRUE(ca);
  lo::certs::Leaf leaf = lo::certs::mint_leaf(*ca, {"lok8s.local", "10.125.125.101"});
  EXPECT_TRUE(verifies(leaf.cert_pem, ca_pem));
  EXPECT_TRUE(lo::certs::still_good(leaf.cert_pem, *ca, {"lok8s.local", "10.125.125.101"}));
}

TEST_F(CertsTest, TlsSecretManifestRoundTrips) {
  lo::certs::Ca ca = lo::certs::create_ca(dir_);
  lo::certs::Leaf leaf = lo::certs::mint_leaf(ca, {"lok8s.dev", "*.lok8s.dev"});
  std::string m = lo::certs::tls_secret_manifest("wildcard-tls", leaf, ca.cert_pem, "two\nlines");
  EXPECT_EQ(m.rfind("# two\n# lines\n", 0), 0u);
  EXPECT_NE(m.find("kind: Secret\n"), std::string::npos);
  EXPECT_NE(m.find("type: kubernetes.io/tls\n"), std::string::npos);
  EXPECT_NE(m.find("  name: wildcard-tls\n"), std::string::npos);
  EXPECT_EQ(m.find("namespace:"), std::string::npos) << "a target's kustomize namespace must apply";
  EXPECT_EQ(m.find("BEGIN"), std::string::npos) << "PEM only base64-encoded in data";
  auto back = lo::certs::secret_manifest_cert(m);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, leaf.cert_pem);
  Cert c = parse(*back);
  std::vector<San> want = {{false, "lok8s.dev"}, {false, "*.lok8s.dev"}};
  EXPECT_EQ(sans_of(c.get()), want);
  EXPECT_FALSE(lo::certs::secret_manifest_cert("kind: Secret\n").has_value());
  EXPECT_FALSE(lo::certs::secret_manifest_cert(": [").has_value());
}

TEST(DockerNetworks, DynamicRangeAvoidsRegistriesAndPool) {
  auto cidr = [](const char* s) { return *lo::parse_cidr(s); };
  auto ip = [](const char* s) { return *lo::parse_ipv4(s); };
  // Project /24: registries at .101-.102, pool .125-.150 -> the top quarter.
  auto r = lo::docker::dynamic_range(cidr("10.125.125.0/24"), {ip("10.125.125.101"), ip("10.125.125.102")},
                                     lo::parse_ip_range("10.125.125.125-10.125.125.150"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->str(), "10.125.125.192/26");
  // A pool in the top quarter pushes it down to the next free one.
  r = lo::docker::dynamic_range(cidr("10.1.0.0/24"), {ip("10.1.0.101")}, lo::parse_ip_range("10.1.0.200-10.1.0.210"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->str(), "10.1.0.128/26");
  // Too small to split.
  EXPECT_FALSE(lo::docker::dynamic_range(cidr("10.1.0.0/28"), {}, std::nullopt));
}

}  // namespace
