// What a target's build reads (kubectl-lo-build/inputs.hpp) and how the
// build cache decides a target is unchanged (kubectl-lo-build/cache.hpp).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "kubectl-lo-build/cache.hpp"
#include "kubectl-lo-build/inputs.hpp"
#include "scratch_dir.hpp"

namespace fs = std::filesystem;
using lo::build::collect_inputs;

namespace {

class InputsTest : public ScratchDirTest {
 protected:
  // The inputs as paths relative to root_, for readable expectations.
  std::vector<std::string> rel(const lo::build::Inputs& in) {
    std::vector<std::string> out;
    for (const auto& f : in.files) out.push_back(f.lexically_relative(root_).string());
    return out;
  }
};

TEST_F(InputsTest, FollowsEveryFieldThatNamesALocalFile) {
  put("base/kustomization.yaml", "resources: [deploy.yaml, nested]\n");
  put("base/deploy.yaml", "kind: Deployment\n");
  put("base/nested/kustomization.yml", "resources: [svc.yaml]\n");
  put("base/nested/svc.yaml", "kind: Service\n");
  put("comp/kustomization.yaml", "kind: Component\npatches: [{path: comp-patch.yaml}]\n");
  put("comp/comp-patch.yaml", "x\n");
  put("t/kustomization.yaml",
      "resources: [../base, cm.yaml]\n"
      "components: [../comp]\n"
      "crds: [crd.json]\n"
      "configurations: [conf.yaml]\n"
      "openapi: {path: schema.json}\n"
      "patches:\n- path: p1.yaml\n- patch: |-\n    inline: true\n"
      "patchesJson6902:\n- path: p2.yaml\n  target: {kind: X}\n"
      "patchesStrategicMerge: [psm.yaml, \"kind: Inline\\nmetadata: {name: x}\"]\n"
      "replacements: [{path: repl.yaml}]\n"
      "configMapGenerator:\n- name: a\n  files: [key=app.properties, confdir]\n  envs: [a.env]\n"
      "secretGenerator:\n- name: s\n  env: s.env\n  literals: [k=v]\n"
      "generators: [gen.yaml]\n"
      "transformers:\n- |-\n  apiVersion: builtin\n  kind: PatchTransformer\n  metadata: {name: t}\n  path: tp.yaml\n"
      "validators: []\n"
      "helmGlobals: {chartHome: mycharts}\n"
      "helmCharts:\n- name: web\n  valuesFile: values.yaml\n  additionalValuesFiles: [more.yaml]\n");
  for (const char* f : {"t/cm.yaml", "t/crd.json", "t/conf.yaml", "t/schema.json", "t/p1.yaml", "t/p2.yaml",
                        "t/psm.yaml", "t/repl.yaml", "t/app.properties", "t/confdir/one", "t/confdir/two",
                        "t/a.env", "t/s.env", "t/tp.yaml", "t/values.yaml", "t/more.yaml", "t/gen-file.txt",
                        "t/mycharts/web/Chart.yaml", "t/mycharts/web/templates/d.yaml"})
    put(f, "x\n");
  put("t/gen.yaml",
      "apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata: {name: g}\nfiles: [gen-file.txt]\n---\n"
      "apiVersion: builtin\nkind: LabelTransformer\nmetadata: {name: l}\nlabels: {a: b}\n");
  auto in = collect_inputs(root_ / "t");
  EXPECT_FALSE(in.volatile_build) << (in.reasons.empty() ? "" : in.reasons[0]);
  EXPECT_EQ(rel(in), (std::vector<std::string>{
                         "base/deploy.yaml", "base/kustomization.yaml", "base/nested/kustomization.yml",
                         "base/nested/svc.yaml", "comp/comp-patch.yaml", "comp/kustomization.yaml", "t/a.env",
                         "t/app.properties", "t/cm.yaml", "t/conf.yaml", "t/confdir/one", "t/confdir/two",
                         "t/crd.json", "t/gen-file.txt", "t/gen.yaml", "t/kustomization.yaml", "t/more.yaml",
                         "t/mycharts/web/Chart.yaml", "t/mycharts/web/templates/d.yaml", "t/p1.yaml", "t/p2.yaml",
                         "t/psm.yaml", "t/repl.yaml", "t/s.env", "t/schema.json", "t/tp.yaml", "t/values.yaml"}));
}

TEST_F(InputsTest, MissingFilesAreInputsToo) {
  put("t/kustomization.yaml", "resources: [gone.yaml, gone-dir]\nconfigMapGenerator: [{name: a, envs: [x.env]}]\n");
  auto in = collect_inputs(root_ / "t");
  EXPECT_FALSE(in.volatile_build);
  EXPECT_EQ(rel(in), (std::vector<std::string>{"t/gone-dir", "t/gone.yaml", "t/kustomization.yaml", "t/x.env"}));
}

TEST_F(InputsTest, AFolderWithoutKustomizationRebuildsWhenOneAppears) {
  fs::create_directories(root_ / "t");
  auto in = collect_inputs(root_ / "t");
  EXPECT_FALSE(in.volatile_build);
  EXPECT_EQ(rel(in), (std::vector<std::string>{"t/Kustomization", "t/kustomization.yaml", "t/kustomization.yml"}));
}

TEST_F(InputsTest, WhatLoCannotSeeIntoIsVolatile) {
  struct Case {
    const char* kustomization;
    const char* reason_part;
  } cases[] = {
      {"resources:\n- https://github.com/org/repo//base?ref=v1\n", "remote"},
      {"resources:\n- github.com/org/repo/base\n", "remote"},
      {"resources:\n- example.com/org/repo\n", "remote"},
      {"components:\n- git@github.com:org/repo.git//c\n", "remote"},
      {"transformers:\n- |-\n  apiVersion: example.com/v1\n  kind: MyPlugin\n  metadata: {name: p}\n", "plugin"},
      {"generators:\n- |-\n  apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: f\n    annotations:\n"
       "      config.kubernetes.io/function: |\n        exec: {path: ./fn}\n",
       "plugin"},
      {"helmCharts:\n- name: minecraft\n  repo: https://charts.example.com\n", "helm chart"},
      {"resources: [a.yaml\n", "cannot parse"},
      {"- a.yaml\n", "kustomization.yaml is not a mapping"},
      {"crds: [https://example.com/crd.yaml]\n", "remote file https://example.com/crd.yaml"},
      {"generators: [https://example.com/p.yaml]\n", "remote plugin config https://example.com/p.yaml"},
      {"transformers:\n- |-\n  apiVersion: builtin\n  kind: FancyTransformer\n", "unknown builtin plugin FancyTransformer"},
      {"helmChartInflationGenerator:\n- {chartName: db, chartRepoUrl: https://db.example.com}\n",
       "helm chart https://db.example.com/db is not in"},
  };
  for (const auto& c : cases) {
    put("t/kustomization.yaml", c.kustomization);
    auto in = collect_inputs(root_ / "t");
    EXPECT_TRUE(in.volatile_build) << c.kustomization;
    ASSERT_FALSE(in.reasons.empty()) << c.kustomization;
    EXPECT_NE(in.reasons[0].find(c.reason_part), std::string::npos) << in.reasons[0];
  }
}

TEST_F(InputsTest, PluginConfigsAreFollowedRelativeToTheKustomizationThatListsThem) {
  put("t/kustomization.yaml",
      "transformers: [plugins]\n"
      "generators: [gen.yaml]\n"
      "helmChartInflationGenerator:\n- {chartName: db, chartHome: vendored, values: db.yaml}\n");
  put("t/plugins/kustomization.yaml", "resources: [psm.yaml]\n");
  put("t/plugins/psm.yaml",
      "apiVersion: builtin\nkind: PatchStrategicMergeTransformer\nmetadata: {name: p}\npaths: [patch.yaml, absent.yaml]\n");
  put("t/gen.yaml", "apiVersion: builtin\nkind: SecretGenerator\nmetadata: {name: s}\nenvs: [s.env]\n");
  for (const char* f : {"t/patch.yaml", "t/db.yaml", "t/vendored/db/Chart.yaml", "t/plugins/patch.yaml"}) put(f, "x\n");
  auto in = collect_inputs(root_ / "t");
  EXPECT_FALSE(in.volatile_build) << (in.reasons.empty() ? "" : in.reasons[0]);
  EXPECT_EQ(rel(in), (std::vector<std::string>{"t/db.yaml", "t/gen.yaml", "t/kustomization.yaml", "t/patch.yaml",
                                               "t/plugins/kustomization.yaml", "t/plugins/psm.yaml", "t/s.env",
                                               "t/vendored/db/Chart.yaml"}));
}

TEST_F(InputsTest, SharedBasesAndCyclesAreWalkedOnce) {
  put("a/kustomization.yaml", "resources: [../b, ../c]\n");
  put("b/kustomization.yaml", "resources: [../c, ../a]\n");
  put("c/kustomization.yaml", "resources: [c.yaml]\n");
  put("c/c.yaml", "kind: C\n");
  auto in = collect_inputs(root_ / "a");
  EXPECT_EQ(rel(in), (std::vector<std::string>{"a/kustomization.yaml", "b/kustomization.yaml", "c/c.yaml",
                                               "c/kustomization.yaml"}));
}

// ---------------------------------------------------------------- cache

class CacheTest : public InputsTest {
 protected:
  void SetUp() override {
    InputsTest::SetUp();
    put("t/kustomization.yaml", "resources: [a.yaml]\n");
    put("t/a.yaml", "kind: A\n");
    put("out/artifacts.yaml", "kind: A\n");
    inputs_ = collect_inputs(root_ / "t").files;
    stamp_.key = "k1";
    stamp_.resources = 1;
    stamp_.inputs = lo::build::snapshot_inputs(inputs_, nullptr);
    stamp_.vars = {{"LOK8S_SPEC_X", "1"}, {"LOK8S_USER_Y", std::nullopt}};
    auto out = lo::build::stat_file(root_ / "out/artifacts.yaml");
    out.path = "artifacts.yaml";
    stamp_.outputs = {out};
    vars_ = {{"LOK8S_SPEC_X", "1"}, {"LOK8S_SPEC_UNRELATED", "z"}};
  }
  lo::build::Check check() { return lo::build::check_stamp(stamp_, "k1", inputs_, vars_, root_ / "out"); }
  std::vector<fs::path> inputs_;
  lo::build::Stamp stamp_;
  lo::build::VarMap vars_;
};

TEST_F(CacheTest, UnchangedWhenNothingMoved) {
  auto c = check();
  EXPECT_TRUE(c.up_to_date) << c.reason;
  vars_["LOK8S_USER_OTHER"] = "not referenced by the output";
  EXPECT_TRUE(check().up_to_date);
}

TEST_F(CacheTest, ATouchedButIdenticalFileIsStillUnchanged) {
  fs::last_write_time(root_ / "t/a.yaml", fs::last_write_time(root_ / "t/a.yaml") + std::chrono::seconds(5));
  auto c = check();
  EXPECT_TRUE(c.up_to_date) << c.reason;
  EXPECT_TRUE(c.stats_moved);
}

TEST_F(CacheTest, ContentVariablesKeyAndOutputsEachInvalidate) {
  put("t/a.yaml", "kind: B\n");
  EXPECT_FALSE(check().up_to_date);
  put("t/a.yaml", "kind: A\n");
  EXPECT_TRUE(check().up_to_date) << check().reason;

  vars_["LOK8S_SPEC_X"] = "2";
  EXPECT_EQ(check().reason, "variable LOK8S_SPEC_X changed");
  vars_["LOK8S_SPEC_X"] = "1";
  vars_["LOK8S_USER_Y"] = "now set";
  EXPECT_EQ(check().reason, "variable LOK8S_USER_Y changed");
  vars_.erase("LOK8S_USER_Y");

  EXPECT_FALSE(lo::build::check_stamp(stamp_, "k2", inputs_, vars_, root_ / "out").up_to_date);
  fs::remove(root_ / "out/artifacts.yaml");
  EXPECT_EQ(check().reason, "artifact artifacts.yaml was changed or removed");
}

TEST_F(CacheTest, ANewInputFileInvalidates) {
  put("t/kustomization.yaml", "resources: [a.yaml, b.yaml]\n");
  put("t/b.yaml", "kind: B\n");
  auto now = collect_inputs(root_ / "t").files;
  EXPECT_EQ(lo::build::check_stamp(stamp_, "k1", now, vars_, root_ / "out").reason, "the set of input files changed");
}

TEST_F(CacheTest, StampsSurviveARoundTripAndDamageMeansRebuild) {
  fs::path file = root_ / "cache/t.json";
  lo::build::save_stamp(file, stamp_);
  auto back = lo::build::load_stamp(file);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->key, "k1");
  EXPECT_EQ(back->resources, 1u);
  EXPECT_EQ(back->vars, stamp_.vars);
  ASSERT_EQ(back->inputs.size(), stamp_.inputs.size());
  EXPECT_EQ(back->inputs[0].sha, stamp_.inputs[0].sha);
  EXPECT_TRUE(lo::build::check_stamp(*back, "k1", inputs_, vars_, root_ / "out").up_to_date);
  std::ofstream(file) << "{\"version\": 1, \"key\": ";
  EXPECT_FALSE(lo::build::load_stamp(file));
}

}  // namespace
