// lo::load_all (common/include/lo/yaml_load.hpp): YAML::LoadAll without its
// endless loop on bad input.
#include <gtest/gtest.h>

#include "lo/yaml_load.hpp"

namespace {

TEST(LoadAll, ReadsEveryDocument) {
  auto docs = lo::load_all("a: 1\n---\nb: 2\n...\n---\n");
  ASSERT_EQ(docs.size(), 3u);
  EXPECT_EQ(docs[0]["a"].as<int>(), 1);
  EXPECT_EQ(docs[1]["b"].as<int>(), 2);
  EXPECT_TRUE(docs[2].IsNull());
  EXPECT_TRUE(lo::load_all("").empty());
  EXPECT_TRUE(lo::load_all("# only a comment\n").empty());
}

// YAML::LoadAll of yaml-cpp 0.7 loops forever on each of these.
TEST(LoadAll, StopsWhereYamlCppCannotReadOn) {
  for (const char* text : {",", ", a: b\n", "a: 1\n...\n,\n", "{a: 1}\n,"}) {
    try {
      lo::load_all(text);
      ADD_FAILURE() << "no error for " << text;
    } catch (const YAML::ParserException& e) {
      EXPECT_EQ(e.msg, "cannot read a document here") << text;
    }
  }
  try {
    lo::load_all("a: 1\n...\n,\n");
  } catch (const YAML::ParserException& e) {
    EXPECT_EQ(e.mark.line, 2);
  }
  EXPECT_THROW(lo::load_all("a: [1\n"), YAML::ParserException);  // an ordinary error stays one
}

}  // namespace
