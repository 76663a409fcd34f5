#include <gtest/gtest.h>

#include "lo/error.hpp"

TEST(Error, FormatsFileLineFieldAndHint) {
  lo::Problem p{lo::Severity::Error, {"clusters/x/cluster.lok8s.yaml", "spec.nodes.workers", 7, 3},
                "must be an integer", "write a number like 2"};
  EXPECT_EQ(lo::format_problem(p),
            "clusters/x/cluster.lok8s.yaml:7:3: spec.nodes.workers: must be an integer\n  hint: write a number like 2");
}

TEST(Error, DiagnosticsThrowAllErrorsTogether) {
  lo::Diagnostics d;
  d.error({"f", "a"}, "one");
  d.warning({"f", "b"}, "careful");
  d.error({"f", "c"}, "two");
  try {
    d.throw_if_errors();
    FAIL() << "expected a throw";
  } catch (const lo::Error& e) {
    ASSERT_EQ(e.problems().size(), 2u);
    EXPECT_EQ(e.problems()[0].what, "one");
    EXPECT_EQ(e.problems()[1].what, "two");
    EXPECT_EQ(e.exit_code(), 1);
  }
}
