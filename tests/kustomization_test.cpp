// What a kustomization refers to (lo/kustomization.hpp): the references
// lint checks and the build walks, with the field and line that name each.
#include "lo/kustomization.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "scratch_dir.hpp"

namespace fs = std::filesystem;
using lo::KustomizationFailure;
using lo::RefKind;

namespace {

class KustomizationTest : public ScratchDirTest {
 protected:
  // "field=value@line" of each reference, in order; paths are checked apart.
  static std::vector<std::string> fields(const std::vector<lo::KustomizationRef>& refs) {
    std::vector<std::string> out;
    for (const auto& r : refs) out.push_back(r.field + "=" + r.value + "@" + std::to_string(r.line));
    return out;
  }
  static const lo::KustomizationRef& find(const std::vector<lo::KustomizationRef>& refs, const std::string& field) {
    auto it = std::find_if(refs.begin(), refs.end(), [&](const auto& r) { return r.field == field; });
    if (it == refs.end()) throw std::runtime_error("no reference " + field);
    return *it;
  }
};

TEST_F(KustomizationTest, NamesEachLocalReferenceByFieldAndLine) {
  put("t/kustomization.yaml",
      "resources:\n"                                   // 1
      "- deploy.yaml\n"                                // 2
      "- ../base\n"                                    // 3
      "- https://github.com/org/repo//x?ref=v1\n"      // 4
      "components: [../comp]\n"                        // 5
      "crds: [crd.json]\n"                             // 6
      "patchesStrategicMerge:\n"                       // 7
      "- psm.yaml\n"                                   // 8
      "- |\n"                                          // 9
      "  kind: Inline\n"                               // 10
      "- 'kind: Inline'\n"                             // 11
      "configMapGenerator:\n"                          // 12
      "- name: a\n"                                    // 13
      "  files: [key=app.properties, confdir]\n"       // 14
      "  envs: [a.env]\n"                              // 15
      "replacements: [{path: repl.yaml}]\n"            // 16
      "openapi: {path: schema.json}\n");               // 17
  auto k = lo::read_kustomization(root_ / "t", "t");
  EXPECT_EQ(k.file, root_ / "t/kustomization.yaml");
  EXPECT_EQ(fields(k.local),
            (std::vector<std::string>{"resources[0]=deploy.yaml@2", "resources[1]=../base@3", "components[0]=../comp@5",
                                      "crds[0]=crd.json@6", "replacements[0].path=repl.yaml@16",
                                      "patchesStrategicMerge[0]=psm.yaml@8",
                                      "configMapGenerator[0].files[0]=key=app.properties@14",
                                      "configMapGenerator[0].files[1]=confdir@14",
                                      "configMapGenerator[0].envs[0]=a.env@15", "openapi.path=schema.json@17"}));
  EXPECT_EQ(find(k.local, "resources[1]").path, root_ / "base");
  EXPECT_EQ(find(k.local, "resources[1]").kind, RefKind::Resource);
  EXPECT_EQ(find(k.local, "components[0]").kind, RefKind::Component);
  EXPECT_TRUE(find(k.local, "components[0]").kustomization_dir());
  EXPECT_FALSE(find(k.local, "crds[0]").kustomization_dir());
  EXPECT_EQ(find(k.local, "patchesStrategicMerge[0]").kind, RefKind::Patch);
  EXPECT_EQ(find(k.local, "configMapGenerator[0].files[0]").path, root_ / "t/app.properties");
  EXPECT_EQ(fields(k.fetched), (std::vector<std::string>{"resources[2]=https://github.com/org/repo//x?ref=v1@4"}));
  EXPECT_EQ(k.remote, (std::vector<std::string>{"https://github.com/org/repo//x?ref=v1"}));
  EXPECT_TRUE(k.opaque.empty());
}

TEST_F(KustomizationTest, RemoteGeneratorFilesAreFetched) {
  put("t/kustomization.yaml", "secretGenerator:\n- name: s\n  files: [tls.crt=https://example.com/tls.crt]\n");
  auto k = lo::read_kustomization(root_ / "t", "t");
  EXPECT_TRUE(k.local.empty());
  EXPECT_EQ(fields(k.fetched), (std::vector<std::string>{"secretGenerator[0].files[0]=tls.crt=https://example.com/tls.crt@3"}));
  EXPECT_EQ(k.remote, (std::vector<std::string>{"https://example.com/tls.crt"}));
}

TEST_F(KustomizationTest, HelmChartsCarryTheirFolderAndValues) {
  put("t/kustomization.yaml",
      "helmGlobals: {chartHome: vendor/charts}\n"
      "helmCharts:\n"
      "- name: web\n"
      "  repo: https://charts.example.com\n"
      "  valuesFile: values.yaml\n"
      "  additionalValuesFiles: [more.yaml]\n"
      "helmChartInflationGenerator:\n"
      "- chartName: db\n"
      "  chartRepoUrl: https://db.example.com\n"
      "  chartHome: old-charts\n"
      "  values: db-values.yaml\n"
      "- chartName: cache\n");
  auto k = lo::read_kustomization(root_ / "t", "t");
  ASSERT_EQ(k.charts.size(), 3u);
  EXPECT_EQ(k.charts[0].field, "helmCharts[0]");
  EXPECT_EQ(k.charts[0].id(), "https://charts.example.com/web");
  EXPECT_EQ(k.charts[0].folder, root_ / "t/vendor/charts/web");
  EXPECT_EQ(k.charts[0].line, 3);
  EXPECT_EQ(k.charts[1].field, "helmChartInflationGenerator[0]");
  EXPECT_EQ(k.charts[1].folder, root_ / "t/old-charts/db");
  EXPECT_EQ(k.charts[2].folder, root_ / "t/vendor/charts/cache");  // helmGlobals by default
  EXPECT_EQ(k.charts[2].id(), "/cache");
  EXPECT_EQ(fields(k.local), (std::vector<std::string>{"helmCharts.valuesFile=values.yaml@5",
                                                       "helmCharts.additionalValuesFiles=more.yaml@6",
                                                       "helmChartInflationGenerator[0].values=db-values.yaml@11",
                                                       "helmGlobals.chartHome=vendor/charts@1"}));
  EXPECT_EQ(find(k.local, "helmGlobals.chartHome").kind, RefKind::ChartHome);
  EXPECT_EQ(k.remote, (std::vector<std::string>{"helm:https://charts.example.com/web", "helm:https://db.example.com/db",
                                                "helm:/cache"}));
}

TEST_F(KustomizationTest, AChartWithoutHomeIsInflatedFromCharts) {
  put("t/kustomization.yaml", "helmCharts:\n- {name: web}\n- {repo: r}\n");
  auto k = lo::read_kustomization(root_ / "t", "t");
  ASSERT_EQ(k.charts.size(), 2u);
  EXPECT_EQ(k.charts[0].folder, root_ / "t/charts/web");
  EXPECT_TRUE(k.charts[1].folder.empty());  // no name: nothing to look for
}

TEST_F(KustomizationTest, InlineBuiltinPluginsAreReadThroughTheirFileFields) {
  put("t/kustomization.yaml",
      "generators:\n"                                                                    // 1
      "- |-\n"                                                                           // 2
      "  apiVersion: builtin\n  kind: ConfigMapGenerator\n  metadata: {name: g}\n"       // 3-5
      "  files: [k=a.txt]\n  envs: [a.env]\n  env: b.env\n"                              // 6-8
      "- '{apiVersion: builtin, kind: SecretGenerator, metadata: {name: s}, envs: [s.env]}'\n"  // 9
      "transformers:\n"                                                                  // 10
      "- |-\n"                                                                           // 11
      "  apiVersion: builtin\n  kind: PatchTransformer\n  metadata: {name: p}\n  path: p.yaml\n"
      "  ---\n"
      "  apiVersion: builtin\n  kind: PatchStrategicMergeTransformer\n  metadata: {name: q}\n"
      "  paths: [psm.yaml, 'kind: Inline']\n"
      "- |-\n"
      "  apiVersion: builtin\n  kind: ReplacementTransformer\n  metadata: {name: r}\n"
      "  replacements: [{path: repl.yaml}]\n"
      "- |-\n"
      "  apiVersion: builtin\n  kind: HelmChartInflationGenerator\n  metadata: {name: h}\n"
      "  name: web\n  repo: https://charts.example.com\n  valuesFile: v.yaml\n  additionalValuesFiles: [w.yaml]\n"
      "- |-\n"
      "  apiVersion: builtin\n  kind: LabelTransformer\n  metadata: {name: l}\n  labels: {a: b}\n");
  auto k = lo::read_kustomization(root_ / "t", "t");
  EXPECT_EQ(fields(k.local),
            (std::vector<std::string>{"generators[0].files[0]=k=a.txt@2", "generators[0].envs[0]=a.env@2",
                                      "generators[0].env=b.env@2", "generators[1].envs[0]=s.env@9",
                                      "transformers[0].path=p.yaml@11", "transformers[0].paths[0]=psm.yaml@11",
                                      "transformers[1].replacements[0].path=repl.yaml@21",
                                      "transformers[2].valuesFile=v.yaml@26",
                                      "transformers[2].additionalValuesFiles=w.yaml@26"}));
  EXPECT_EQ(find(k.local, "generators[0].files[0]").path, root_ / "t/a.txt");
  EXPECT_EQ(find(k.local, "transformers[0].paths[0]").kind, RefKind::Patch);
  ASSERT_EQ(k.charts.size(), 1u);
  EXPECT_EQ(k.charts[0].field, "transformers[2]");
  EXPECT_EQ(k.charts[0].folder, root_ / "t/charts/web");
  EXPECT_TRUE(k.opaque.empty()) << k.opaque[0];
}

TEST_F(KustomizationTest, PluginsLoCannotSeeIntoAreOpaque) {
  put("t/kustomization.yaml",
      "transformers:\n"
      "- |-\n  apiVersion: example.com/v1\n  kind: MyPlugin\n  metadata: {name: p}\n"
      "- |-\n  apiVersion: builtin\n  kind: FancyTransformer\n"
      "- |-\n  - a list\n  - of two\n"
      "- |-\n  apiVersion: [unclosed\n  x\n"
      "generators: [plugins.yaml, ./plugin-dir, https://example.com/p.yaml]\n");
  auto k = lo::read_kustomization(root_ / "t", "t");
  EXPECT_EQ(k.opaque, (std::vector<std::string>{"plugin example.com/v1/MyPlugin runs outside kustomize",
                                                "unknown builtin plugin FancyTransformer",
                                                "a plugin config is not a mapping", "cannot parse inline plugin config"}));
  // Files and folders of plugin configs are references; their contents are
  // read by whoever follows them (read_plugin_configs).
  EXPECT_EQ(fields(k.local), (std::vector<std::string>{"generators[0]=plugins.yaml@15", "generators[1]=./plugin-dir@15"}));
  EXPECT_EQ(find(k.local, "generators[1]").kind, RefKind::PluginConfig);
  EXPECT_EQ(fields(k.fetched), (std::vector<std::string>{"generators[2]=https://example.com/p.yaml@15"}));
}

TEST_F(KustomizationTest, PluginConfigFilesAreReadRelativeToTheirKustomization) {
  put("plugins/gen.yaml",
      "apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata: {name: g}\nfiles: [gen-file.txt]\n---\n"
      "apiVersion: builtin\nkind: HelmChartInflationGenerator\nmetadata: {name: h}\nname: web\nchartHome: vendored\n"
      "---\n"
      "apiVersion: example.com/v1\nkind: Exec\n");
  auto refs = lo::read_plugin_configs(root_ / "plugins/gen.yaml", root_ / "t");
  EXPECT_EQ(fields(refs.local), (std::vector<std::string>{"files[0]=gen-file.txt@4"}));
  EXPECT_EQ(refs.local[0].path, root_ / "t/gen-file.txt");
  ASSERT_EQ(refs.charts.size(), 1u);
  EXPECT_EQ(refs.charts[0].folder, root_ / "t/vendored/web");
  EXPECT_EQ(refs.opaque, (std::vector<std::string>{"plugin example.com/v1/Exec runs outside kustomize"}));

  put("plugins/broken.yaml", "apiVersion: [\n");
  auto broken = lo::read_plugin_configs(root_ / "plugins/broken.yaml", root_ / "t");
  EXPECT_EQ(broken.opaque, (std::vector<std::string>{"cannot parse plugin config " + (root_ / "plugins/broken.yaml").string()}));
  auto missing = lo::read_plugin_configs(root_ / "plugins/none.yaml", root_ / "t");
  EXPECT_EQ(missing.opaque.size(), 1u);
}

TEST_F(KustomizationTest, ScanningNeverThrowsAndSaysWhatWentWrong) {
  fs::create_directories(root_ / "none");
  put("bad/kustomization.yaml", "resources: [a.yaml\n");
  put("list/Kustomization", "- a.yaml\n");
  put("empty/kustomization.yml", "");
  struct Case {
    const char* dir;
    KustomizationFailure failure;
    const char* message;
  } cases[] = {
      {"none", KustomizationFailure::Missing, "none: has no kustomization.yaml"},
      {"bad", KustomizationFailure::Unreadable, "bad/kustomization.yaml:2:1: invalid YAML: "},
      {"list", KustomizationFailure::NotAMapping, "list/Kustomization: must be a mapping"},
      {"empty", KustomizationFailure::None, ""},
  };
  for (const auto& c : cases) {
    lo::Kustomization k;
    EXPECT_NO_THROW(k = lo::scan_kustomization(root_ / c.dir, c.dir)) << c.dir;
    EXPECT_EQ(k.failure, c.failure) << c.dir;
    EXPECT_TRUE(k.local.empty() && k.remote.empty()) << c.dir;
    if (c.failure == KustomizationFailure::None) {
      EXPECT_NO_THROW(lo::read_kustomization(root_ / c.dir, c.dir));
      continue;
    }
    EXPECT_EQ(lo::format_problem(k.problem).rfind(c.message, 0), 0u) << lo::format_problem(k.problem);
    try {
      lo::read_kustomization(root_ / c.dir, c.dir);
      ADD_FAILURE() << c.dir << " did not throw";
    } catch (const lo::Error& e) {
      ASSERT_EQ(e.problems().size(), 1u);
      EXPECT_EQ(lo::format_problem(e.problems()[0]), lo::format_problem(k.problem));
    }
  }
}

}  // namespace
