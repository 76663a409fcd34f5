// ${LOK8S_USER_API_HOST}/${LOK8S_USER_API_PORT} of `kubectl lo build`
// (kubectl-lo-build/api_vars.hpp): the values, the user's override, and
// when the kubeconfig is read at all.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "kubectl-lo-build/api_vars.hpp"

namespace fs = std::filesystem;
using lo::build::BuildVariables;
using lo::build::VarMap;

namespace {

class ApiVars : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/lo-api-vars-test-XXXXXX";
    dir = fs::path(mkdtemp(tmpl));
    ws.root = dir;
    ws.clusters = dir / "clusters";
  }
  void TearDown() override { fs::remove_all(dir); }

  lo::KubeconfigChoice choice_of(const std::string& kubeconfig_text) {
    fs::path f = dir / "k.yaml";
    std::ofstream(f) << kubeconfig_text;
    lo::KubeconfigChoice c;
    c.request.path = f;
    c.source = f.string();
    return c;
  }

  static std::string kubeconfig(const std::string& server) {
    return "clusters:\n- name: c\n  cluster: {server: '" + server +
           "'}\ncontexts:\n- name: x\n  context: {cluster: c}\ncurrent-context: x\n";
  }

  fs::path dir;
  lo::Workspace ws;
};

VarMap api(const std::string& url) { return lo::build::api_variables(*lo::parse_server_url(url)); }

}  // namespace

TEST(ApiVariables, HostWithoutBracketsPortOrSchemeDefault) {
  EXPECT_EQ(api("https://1.2.3.4:6443"), (VarMap{{"LOK8S_USER_API_HOST", "1.2.3.4"}, {"LOK8S_USER_API_PORT", "6443"}}));
  EXPECT_EQ(api("https://api.example.com"), (VarMap{{"LOK8S_USER_API_HOST", "api.example.com"}, {"LOK8S_USER_API_PORT", "443"}}));
  EXPECT_EQ(api("http://10.0.0.1"), (VarMap{{"LOK8S_USER_API_HOST", "10.0.0.1"}, {"LOK8S_USER_API_PORT", "80"}}));
  EXPECT_EQ(api("https://[fd00::1]:6443"), (VarMap{{"LOK8S_USER_API_HOST", "fd00::1"}, {"LOK8S_USER_API_PORT", "6443"}}));
  EXPECT_EQ(api("https://h:6443/k8s/clusters/c-1"), (VarMap{{"LOK8S_USER_API_HOST", "h"}, {"LOK8S_USER_API_PORT", "6443"}}));
}

TEST_F(ApiVars, ReadOnlyWhenAskedAndTheEnvironmentWins) {
  BuildVariables v({{"LOK8S_USER_API_PORT", "7443"}, {"LOK8S_SPEC_X", "x"}}, ws, choice_of(kubeconfig("https://[::1]:6443")));
  EXPECT_TRUE(v.mentioned_in("server: ${LOK8S_USER_API_HOST}"));
  EXPECT_FALSE(v.mentioned_in("port: ${LOK8S_USER_API_PORT}"));  // exported: nothing to read
  EXPECT_FALSE(v.mentioned_in("${LOK8S_SPEC_X}"));
  EXPECT_TRUE(v.recorded_in({{"LOK8S_USER_API_HOST", std::nullopt}}));
  EXPECT_FALSE(v.recorded_in({{"LOK8S_USER_API_PORT", "7443"}, {"LOK8S_SPEC_X", "x"}}));
  EXPECT_EQ(v.get(false).count("LOK8S_USER_API_HOST"), 0u);
  const VarMap& all = v.get(true);
  EXPECT_EQ(all.at("LOK8S_USER_API_HOST"), "::1");
  EXPECT_EQ(all.at("LOK8S_USER_API_PORT"), "7443");
  EXPECT_EQ(all.at("LOK8S_SPEC_X"), "x");
}

TEST_F(ApiVars, NoKubeconfigOrNoContextLeavesThemUnset) {
  lo::KubeconfigChoice none;
  none.request.kubeconfigEnv = (dir / "missing.yaml").string();
  BuildVariables a({}, ws, none);
  EXPECT_TRUE(a.get(true).empty());
  BuildVariables b({}, ws, choice_of("clusters: []\ncontexts: []\n"));
  EXPECT_TRUE(b.get(true).empty());
}

TEST_F(ApiVars, AMalformedKubeconfigFailsEveryCallerWithItsName) {
  BuildVariables v({}, ws, choice_of("clusters: [unclosed\n"));
  EXPECT_TRUE(v.get(false).empty());  // not asked: not read
  for (int i = 0; i < 2; ++i) {
    try {
      v.get(true);
      FAIL() << "expected an error";
    } catch (const lo::Error& e) {
      EXPECT_EQ(e.problems().front().where.file, (dir / "k.yaml").string());
    }
  }
}
