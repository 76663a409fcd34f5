// Golden files: `kubectl lo spec` and `lo-registry plan -o json` for a few
// domains, written by hand from the defaulting rules (tests/fixtures/golden/
// <domain>/{cluster.lok8s.yaml, spec.yaml, plan.json, warnings}).
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <map>

#include "lo/exec.hpp"
#include "lo/fs.hpp"
#include "lo/yaml_json.hpp"

namespace fs = std::filesystem;

namespace {

class Golden : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    src_ = fs::path(LO_FIXTURES) / "golden" / GetParam();
    root_ = fs::temp_directory_path() / ("lo-golden-" + GetParam() + "-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "clusters" / GetParam());
    fs::copy_file(src_ / "cluster.lok8s.yaml", root_ / "clusters" / GetParam() / "cluster.lok8s.yaml");
  }
  void TearDown() override { fs::remove_all(root_); }
  lo::ExecResult lo(const std::string& bin, std::vector<std::string> args, lo::ExecOptions options = {}) {
    std::vector<std::string> argv{std::string(LO_BIN_DIR) + "/" + bin};
    argv.insert(argv.end(), args.begin(), args.end());
    options.env["NO_COLOR"] = "1";
    return lo::run(argv, options);
  }
  fs::path src_, root_;
};

TEST_P(Golden, EffectiveSpec) {
  auto r = lo("kubectl-lo", {"spec", "--root", root_.string(), GetParam()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, lo::read_file(src_ / "spec.yaml"));
  size_t warnings = 0;
  for (size_t p = 0; (p = r.err.find("warning:", p)) != std::string::npos; ++p) ++warnings;
  EXPECT_EQ(std::to_string(warnings) + "\n", lo::read_file(src_ / "warnings")) << r.err;
}

TEST_P(Golden, EffectiveSpecIsAFixedPoint) {
  auto r = lo("kubectl-lo", {"spec", "--root", root_.string(), GetParam()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  lo::write_file_atomic(root_ / "clusters" / GetParam() / "cluster.lok8s.yaml", r.out);
  auto again = lo("kubectl-lo", {"spec", "--root", root_.string(), GetParam()});
  EXPECT_EQ(again.out, r.out);
  EXPECT_EQ(again.err, "") << "the full form must not warn";
}

TEST_P(Golden, RegistryPlan) {
  auto r = lo("lo-registry", {"plan", "--root", root_.string(), GetParam(), "-o", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(lo::Json::parse(r.out), lo::Json::parse(lo::read_file(src_ / "plan.json")));
}

TEST_P(Golden, KindConfig) {
  auto r = lo("lo-kind", {"config", "--root", root_.string(), GetParam()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string out = r.out;
  for (size_t p; (p = out.find(root_.string())) != std::string::npos;) out.replace(p, root_.string().size(), "@ROOT@");
  EXPECT_EQ(out, lo::read_file(src_ / "kind-config.yaml"));
}

// certs-d.txt holds "== <path>" lines, each followed by the file's content.
std::map<std::string, std::string> parse_tree(const std::string& text, const std::string& ca) {
  std::map<std::string, std::string> files;
  std::string current;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string line = text.substr(pos, nl - pos + 1);
    pos = nl + 1;
    if (line.rfind("== ", 0) == 0) current = line.substr(3, line.size() - 4);
    else files[current] += line == "@CA@\n" ? ca : line;
  }
  return files;
}

// certs.d goldens: TLS on the default domain, plain HTTP on a non-shared one.
class GoldenCertsD : public Golden {};

TEST_P(GoldenCertsD, Tree) {
  std::string ca = "-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n";
  lo::write_file_atomic(root_ / "caroot" / "rootCA.pem", ca);
  lo::ExecOptions o;
  o.env["CAROOT"] = (root_ / "caroot").string();
  fs::path out = root_ / "out" / "certs.d";
  auto r = lo("lo-kind", {"certs-d", "--root", root_.string(), GetParam(), "--out", out.string()}, o);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, std::string> got;
  for (const auto& e : fs::recursive_directory_iterator(out))
    if (e.is_regular_file()) got[fs::relative(e.path(), out).string()] = lo::read_file(e.path());
  EXPECT_EQ(got, parse_tree(lo::read_file(src_ / "certs-d.txt"), ca));
  // The tree is rewritten in place: the folder keeps its inode, stale entries go.
  struct stat before {}, after {};
  ::stat(out.c_str(), &before);
  lo::write_file_atomic(out / "stale.example.com" / "hosts.toml", "old");
  r = lo("lo-kind", {"certs-d", "--root", root_.string(), GetParam(), "--out", out.string()}, o);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ::stat(out.c_str(), &after);
  EXPECT_EQ(before.st_ino, after.st_ino);
  EXPECT_FALSE(fs::exists(out / "stale.example.com"));
  EXPECT_TRUE(fs::exists(out.parent_path() / ".gitignore"));
}

INSTANTIATE_TEST_SUITE_P(Domains, GoldenCertsD, ::testing::Values("lok8s.dev", "50.lok8s.dev"), [](const auto& i) {
  std::string n = i.param;
  for (auto& c : n)
    if (c == '.') c = '_';
  return n;
});

INSTANTIATE_TEST_SUITE_P(Domains, Golden,
                         ::testing::Values("lok8s.dev", "42.lok8s.dev", "prod.example.com", "50.lok8s.dev"),
                         [](const auto& i) {
                           std::string n = i.param;
                           for (auto& c : n)
                             if (c == '.') c = '_';
                           return n;
                         });

}  // namespace
