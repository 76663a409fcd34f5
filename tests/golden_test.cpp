// Golden files: `kubectl lo spec` and `lo-registry plan -o json` for a few
// domains, written by hand from the defaulting rules (tests/fixtures/golden/
// <domain>/{cluster.lok8s.yaml, spec.yaml, plan.json, warnings}).
#include <gtest/gtest.h>

#include <filesystem>

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
  lo::ExecResult lo(const std::string& bin, std::vector<std::string> args) {
    std::vector<std::string> argv{std::string(LO_BIN_DIR) + "/" + bin};
    argv.insert(argv.end(), args.begin(), args.end());
    return lo::run(argv, lo::ExecOptions{{{"NO_COLOR", "1"}}});
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

INSTANTIATE_TEST_SUITE_P(Domains, Golden,
                         ::testing::Values("lok8s.dev", "42.lok8s.dev", "prod.example.com", "50.lok8s.dev"),
                         [](const auto& i) {
                           std::string n = i.param;
                           for (auto& c : n)
                             if (c == '.') c = '_';
                           return n;
                         });

}  // namespace
