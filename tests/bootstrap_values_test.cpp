// Golden tests of the values merge (kubectl-lo/bootstrap/values.cpp): each
// folder of tests/fixtures/bootstrap/merge/ holds layers 1.yaml, 2.yaml, ...
// (lowest first) and either expected.yaml, the merged values as lo writes
// them, or expected.err, the error of reading the layers.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "kubectl-lo/bootstrap/bootstrap.hpp"
#include "lo/error.hpp"
#include "lo/fs.hpp"
#include "lo/yaml_json.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path kMerge = fs::path(LO_FIXTURES) / "bootstrap" / "merge";

std::vector<std::string> merge_cases() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(kMerge)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

class MergeGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(MergeGolden, Layers) {
  fs::path dir = kMerge / GetParam();
  std::vector<std::string> layers;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string n = e.path().filename().string();
    if (n != "expected.yaml" && n != "expected.err") layers.push_back(n);
  }
  std::sort(layers.begin(), layers.end());
  lo::Json merged = lo::Json::object();
  std::string error;
  try {
    for (const auto& l : layers) lo::bootstrap::merge_values(merged, lo::bootstrap::read_values_file(dir / l, l));
  } catch (const lo::Error& e) {
    for (const auto& p : e.problems()) error += lo::format_problem(p) + "\n";
  }
  if (fs::exists(dir / "expected.err")) {
    std::string want = lo::read_file(dir / "expected.err");
    ASSERT_FALSE(error.empty()) << "expected an error, got:\n" << lo::json_to_yaml(merged);
    if (!want.empty()) {  // an empty expected.err: any error (the parser's own words)
      EXPECT_EQ(error, want);
    }
  } else {
    ASSERT_EQ(error, "");
    EXPECT_EQ(lo::json_to_yaml(merged), lo::read_file(dir / "expected.yaml"));
  }
}

INSTANTIATE_TEST_SUITE_P(Merge, MergeGolden, ::testing::ValuesIn(merge_cases()), [](const auto& info) {
  std::string n = info.param;
  std::replace(n.begin(), n.end(), '-', '_');
  return n;
});

TEST(MergeValues, OverlayDoesNotAliasItsInput) {
  lo::Json base = lo::Json::parse(R"({"a": {"b": 1}})");
  lo::Json overlay = lo::Json::parse(R"({"a": {"c": 2}, "d": {"e": null, "f": 3}})");
  lo::bootstrap::merge_values(base, overlay);
  EXPECT_EQ(base, lo::Json::parse(R"({"a": {"b": 1, "c": 2}, "d": {"f": 3}})"));
  EXPECT_EQ(overlay, lo::Json::parse(R"({"a": {"c": 2}, "d": {"e": null, "f": 3}})"));
}

TEST(MergeValues, LayerNames) {
  using lo::bootstrap::value_layer_names;
  EXPECT_EQ(value_layer_names("lo", ""), (std::vector<std::string>{"values.yaml", "values.lo.yaml"}));
  EXPECT_EQ(value_layer_names("kubeone", "hetzner"),
            (std::vector<std::string>{"values.yaml", "values.kubeone.yaml", "values.hetzner.yaml"}));
}

}  // namespace
