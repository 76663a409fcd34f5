// YAML <-> JSON: types resolve like the Kubernetes API machinery, and what lo
// writes reads back as the same value.
#include <gtest/gtest.h>

#include "lo/error.hpp"
#include "lo/yaml_json.hpp"

namespace {

TEST(YamlJson, PlainScalarsFollowTheCoreSchema) {
  auto docs = lo::parse_yaml_documents("a: 1\nb: -2\nc: 1.5\nd: true\ne: null\nf: ~\ng: hello\nh: '1'\ni: \"true\"\nj: 0x1f\nk: 1e3\nl:\n");
  ASSERT_EQ(docs.size(), 1u);
  const auto& d = docs[0];
  EXPECT_EQ(d["a"], 1);
  EXPECT_EQ(d["b"], -2);
  EXPECT_DOUBLE_EQ(d["c"].get<double>(), 1.5);
  EXPECT_EQ(d["d"], true);
  EXPECT_TRUE(d["e"].is_null());
  EXPECT_TRUE(d["f"].is_null());
  EXPECT_EQ(d["g"], "hello");
  EXPECT_EQ(d["h"], "1");
  EXPECT_EQ(d["i"], "true");
  EXPECT_EQ(d["j"], 31);
  EXPECT_DOUBLE_EQ(d["k"].get<double>(), 1000.0);
  EXPECT_TRUE(d["l"].is_null());
}

TEST(YamlJson, StringsThatLookLikeOtherTypesRoundTrip) {
  lo::Json v = lo::Json::object();
  const char* tricky[] = {"true", "no", "yes", "on", "null", "~", "", "1", "1.0", "-3", "0x1f", "1e5", "1_000", "0b101",
                          "12:30", ".inf", ".nan", "10.125.125.0/24", "a: b", "#x", "- x", "x:", " lead", "trail ",
                          "multi\nline\n", "quote\"s", "it's", "@at", "*star", "&amp", "!bang", "%pct", "{x}", "[x]"};
  int i = 0;
  for (const char* t : tricky) v["k" + std::to_string(i++)] = t;
  std::string yaml = lo::json_to_yaml(v);
  auto back = lo::parse_yaml_documents(yaml);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0], v) << yaml;
}

TEST(YamlJson, MultiDocumentStreamsSkipEmptyDocuments) {
  auto docs = lo::parse_yaml_documents("---\n# only a comment\n---\nkind: A\n---\n---\nkind: B\n");
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[1]["kind"], "B");
}

TEST(YamlJson, SyntaxErrorsNameFileAndLine) {
  try {
    lo::parse_yaml_documents("a: 1\nb: [1, 2\n", "x.yaml");
    FAIL();
  } catch (const lo::Error& e) {
    EXPECT_EQ(e.problems()[0].where.file, "x.yaml");
    EXPECT_GT(e.problems()[0].where.line, 1);
  }
}

TEST(YamlJson, AliasBombsHitTheBudget) {
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                     "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                     "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
                     "g: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n";
  EXPECT_THROW(lo::parse_yaml_documents(bomb), lo::Error);
}

}  // namespace
