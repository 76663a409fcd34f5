// The trust store paths and the "is the CA in the system bundle" question
// (trust.hpp) that `trust`, `doctor` and lo-registry's nudge share.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <optional>

#include "lo/certs.hpp"
#include "lo/trust.hpp"
#include "scratch_dir.hpp"

namespace fs = std::filesystem;

namespace {

// `pem` with its base64 body re-wrapped at `width` columns and `eol` line ends.
std::string rewrap(const std::string& pem, size_t width, const std::string& eol) {
  const std::string begin = "-----BEGIN CERTIFICATE-----", end = "-----END CERTIFICATE-----";
  size_t b = pem.find(begin) + begin.size(), e = pem.find(end);
  std::string body;
  for (size_t i = b; i < e; ++i)
    if (!std::isspace(static_cast<unsigned char>(pem[i]))) body += pem[i];
  std::string out = begin + eol;
  for (size_t i = 0; i < body.size(); i += width) out += body.substr(i, width) + eol;
  return out + end + eol;
}

class TrustTest : public ScratchDirTest {
 protected:
  void SetUp() override {
    ScratchDirTest::SetUp();
    ::unsetenv("LOK8S_TRUST_STORE_DIR");
    if (const char* h = std::getenv("HOME")) home_ = h;
    ca_ = lo::certs::create_ca(root_ / "ca");
    other_ = lo::certs::create_ca(root_ / "other");
  }
  void TearDown() override {
    ::unsetenv("LOK8S_TRUST_STORE_DIR");
    if (home_) ::setenv("HOME", home_->c_str(), 1);
    ScratchDirTest::TearDown();
  }
  lo::certs::Ca ca_, other_;
  std::optional<std::string> home_;
};

TEST_F(TrustTest, BundleHoldsTheSameCertificateWhateverTheLineBreaks) {
  std::string bundle = other_.cert_pem + rewrap(ca_.cert_pem, 76, "\r\n");
  EXPECT_TRUE(lo::trust::bundle_has(bundle, ca_.cert_pem));
  EXPECT_TRUE(lo::trust::bundle_has(bundle, rewrap(ca_.cert_pem, 40, "\n")));
  EXPECT_FALSE(lo::trust::bundle_has(other_.cert_pem, ca_.cert_pem));
  EXPECT_FALSE(lo::trust::bundle_has("", ca_.cert_pem));
  EXPECT_FALSE(lo::trust::bundle_has(bundle, "not a certificate"));
}

TEST_F(TrustTest, LayoutTakesSystemAndHomePathsUnderTheStoreFolder) {
  ::setenv("HOME", "/home/dev", 1);
  lo::trust::Layout own = lo::trust::layout();
  EXPECT_FALSE(own.redirected());
  EXPECT_EQ(own.at("/etc/ssl/certs"), fs::path("/etc/ssl/certs"));
  EXPECT_EQ(own.in_home(".pki/nssdb"), fs::path("/home/dev/.pki/nssdb"));
  lo::trust::Layout flag = lo::trust::layout((root_ / "s").string());
  EXPECT_EQ(flag.at("/etc/ssl/certs"), root_ / "s/etc/ssl/certs");
  EXPECT_EQ(flag.in_home(".pki/nssdb"), root_ / "s/home/dev/.pki/nssdb");
  ::setenv("LOK8S_TRUST_STORE_DIR", (root_ / "env").c_str(), 1);
  EXPECT_EQ(lo::trust::layout().at("/etc/x"), root_ / "env/etc/x");
  EXPECT_EQ(lo::trust::layout((root_ / "s").string()).at("/etc/x"), root_ / "s/etc/x");  // the flag wins
}

TEST_F(TrustTest, SystemTrustsReadsTheFirstBundleOfTheLayout) {
  lo::trust::Layout l = lo::trust::layout((root_ / "s").string());
  fs::path pem = root_ / "ca" / "rootCA.pem";
  EXPECT_EQ(lo::trust::system_trusts(l, pem), std::nullopt);  // no bundle: cannot tell
  put("s/etc/pki/tls/certs/ca-bundle.crt", other_.cert_pem);    // Fedora's
  EXPECT_EQ(lo::trust::system_trusts(l, pem), std::optional<bool>(false));
  put("s/etc/pki/tls/certs/ca-bundle.crt", other_.cert_pem + ca_.cert_pem);
  EXPECT_EQ(lo::trust::system_trusts(l, pem), std::optional<bool>(true));
  put("s/etc/ssl/certs/ca-certificates.crt", other_.cert_pem);  // Debian's comes first
  EXPECT_EQ(lo::trust::system_trusts(l, pem), std::optional<bool>(false));
  EXPECT_EQ(lo::trust::system_trusts(l, root_ / "none.pem"), std::nullopt);
}

}  // namespace
