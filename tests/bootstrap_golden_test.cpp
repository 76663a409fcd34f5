// Golden tests of bootstrap: entry resolution for every entry form and
// every error, and the merge of values, through the real kubectl-lo.
//
// Each folder of tests/fixtures/bootstrap/cases/ is one case:
//   project/   copied to a fresh project root
//   home/      lo's data (LOK8S_HOME) for the case; default: ../../home
//   cmd        the arguments of kubectl-lo, one per line (--root is added)
//   expected   what it printed, stdout then stderr, then "exit: N"; the
//              project root reads <root> and lo's data folder <home>
// Kustomize addons only (kubectl kustomize renders them); chart addons
// appear through --values, which needs no helm.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "lo/exec.hpp"
#include "lo/fs.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path kCases = fs::path(LO_FIXTURES) / "bootstrap" / "cases";

std::vector<std::string> case_names() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(kCases))
    if (e.is_directory()) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size()) s.replace(p, from.size(), to);
}

class BootstrapGolden : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    src_ = kCases / GetParam();
    root_ = fs::temp_directory_path() / ("lo-bootstrap-golden-" + GetParam() + "-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_);
    fs::copy(src_ / "project", root_, fs::copy_options::recursive);
    home_ = fs::exists(src_ / "home") ? src_ / "home" : fs::path(LO_FIXTURES) / "bootstrap" / "home";
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path src_, root_, home_;
};

TEST_P(BootstrapGolden, Output) {
  std::vector<std::string> argv{std::string(LO_BIN_DIR) + "/kubectl-lo"};
  std::istringstream cmd(lo::read_file(src_ / "cmd"));
  for (std::string line; std::getline(cmd, line);)
    if (!line.empty()) argv.push_back(line);
  argv.insert(argv.begin() + 2, {"--root", root_.string()});
  lo::ExecOptions o;
  o.env = {{"NO_COLOR", "1"}, {"LOK8S_HOME", home_.string()}, {"KUBECONFIG", (root_ / "no-kubeconfig").string()},
           {"HOME", root_.string()}, {"HCLOUD_TOKEN", std::nullopt}, {"DOMAIN_NAME", std::nullopt},
           {"PATH_CLUSTERS", std::nullopt}, {"LOK8S_KUSTOMIZE", "kubectl"}};
  lo::ExecResult r = lo::run(argv, o);
  std::string got = r.out + r.err + "exit: " + std::to_string(r.exit_code) + "\n";
  replace_all(got, root_.string(), "<root>");
  replace_all(got, home_.string(), "<home>");
  fs::path expected = src_ / "expected";
  if (std::getenv("LO_UPDATE_GOLDEN")) std::ofstream(expected) << got;
  EXPECT_EQ(got, lo::read_file(expected)) << "case " << GetParam() << " (LO_UPDATE_GOLDEN=1 rewrites it; review the diff)";
}

INSTANTIATE_TEST_SUITE_P(Cases, BootstrapGolden, ::testing::ValuesIn(case_names()),
                         [](const auto& info) {
                           std::string n = info.param;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

}  // namespace
