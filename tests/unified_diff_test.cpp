// Unified diffs as GNU `diff -u` writes them.
#include <gtest/gtest.h>

#include <random>

#include "lo/unified_diff.hpp"

namespace {

std::string lines(std::initializer_list<const char*> ls) {
  std::string s;
  for (const char* l : ls) s += std::string(l) + "\n";
  return s;
}

// Applies a unified diff to `a`; the check that a diff is right, whatever
// edit script it chose.
std::string patch(const std::string& a, const std::string& diff) {
  std::vector<std::string> in, out;
  size_t p = 0;
  while (p < a.size()) {
    size_t nl = a.find('\n', p);
    in.push_back(a.substr(p, nl - p));
    p = nl + 1;
  }
  std::vector<std::string> d;
  p = 0;
  while (p < diff.size()) {
    size_t nl = diff.find('\n', p);
    d.push_back(diff.substr(p, nl - p));
    p = nl + 1;
  }
  size_t next = 0;  // next line of `in` not yet copied
  for (size_t i = 2; i < d.size(); ++i) {
    if (d[i].rfind("@@", 0) == 0) {
      size_t start = std::stoul(d[i].substr(4));
      size_t comma = d[i].find(',');
      size_t space = d[i].find(' ', 4);
      size_t count = comma != std::string::npos && comma < space ? std::stoul(d[i].substr(comma + 1)) : 1;
      size_t first = count == 0 ? start : start - 1;
      while (next < first) out.push_back(in[next++]);
      continue;
    }
    char c = d[i][0];
    if (c == ' ') {
      EXPECT_EQ(in[next], d[i].substr(1));
      out.push_back(in[next++]);
    } else if (c == '-') {
      EXPECT_EQ(in[next], d[i].substr(1));
      ++next;
    } else if (c == '+') {
      out.push_back(d[i].substr(1));
    }
  }
  while (next < in.size()) out.push_back(in[next++]);
  std::string s;
  for (const auto& l : out) s += l + "\n";
  return s;
}

}  // namespace

TEST(UnifiedDiff, EqualTextsHaveNoDiff) {
  EXPECT_EQ(lo::unified_diff("a\nb\n", "a\nb\n", "x", "y"), "");
  EXPECT_EQ(lo::unified_diff("", "", "x", "y"), "");
}

TEST(UnifiedDiff, OneChangedLineWithThreeLinesOfContext) {
  std::string a = lines({"1", "2", "3", "4", "image: nginx:1.0", "6", "7", "8", "9"});
  std::string b = lines({"1", "2", "3", "4", "image: nginx:1.1", "6", "7", "8", "9"});
  lo::DiffCounts counts;
  EXPECT_EQ(lo::unified_diff(a, b, "live/x", "merged/x", 3, &counts),
            "--- live/x\n+++ merged/x\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-image: nginx:1.0\n+image: nginx:1.1\n 6\n 7\n 8\n");
  EXPECT_EQ(counts.removed, 1u);
  EXPECT_EQ(counts.added, 1u);
}

TEST(UnifiedDiff, CloseChangesShareAHunkFarOnesDoNot) {
  std::string a, b, c;
  for (int i = 1; i <= 30; ++i) {
    a += std::to_string(i) + "\n";
    b += (i == 5 || i == 10 ? "x" : std::to_string(i)) + "\n";
    c += (i == 5 || i == 25 ? "x" : std::to_string(i)) + "\n";
  }
  auto hunks = [](const std::string& d) {
    size_t n = 0;
    for (size_t p = d.find("\n@@ "); p != std::string::npos; p = d.find("\n@@ ", p + 1)) ++n;
    return n;
  };
  std::string near = lo::unified_diff(a, b, "a", "b");
  EXPECT_NE(near.find("\n@@ -2,12 +2,12 @@\n"), std::string::npos) << near;
  EXPECT_EQ(hunks(near), 1u) << near;
  std::string far = lo::unified_diff(a, c, "a", "b");
  EXPECT_EQ(hunks(far), 2u) << far;
  EXPECT_NE(far.find("@@ -2,7 +2,7 @@"), std::string::npos);
  EXPECT_NE(far.find("@@ -22,7 +22,7 @@"), std::string::npos);
}

TEST(UnifiedDiff, WholeFileAddedAndRemoved) {
  EXPECT_EQ(lo::unified_diff("", "a\nb\n", "/dev/null", "merged/x"), "--- /dev/null\n+++ merged/x\n@@ -0,0 +1,2 @@\n+a\n+b\n");
  EXPECT_EQ(lo::unified_diff("a\n", "", "live/x", "/dev/null"), "--- live/x\n+++ /dev/null\n@@ -1 +0,0 @@\n-a\n");
}

TEST(UnifiedDiff, MissingNewlineAtTheEndIsAChange) {
  EXPECT_EQ(lo::unified_diff("a\nb", "a\nb\n", "x", "y"),
            "--- x\n+++ y\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n");
}

TEST(UnifiedDiff, RandomEditsPatchBack) {
  std::mt19937 rng(42);
  for (int round = 0; round < 200; ++round) {
    std::vector<std::string> a;
    size_t n = rng() % 40;
    for (size_t i = 0; i < n; ++i) a.push_back(std::to_string(rng() % 6));
    std::vector<std::string> b = a;
    for (int e = 0, edits = static_cast<int>(rng() % 8); e < edits; ++e) {
      size_t at = b.empty() ? 0 : rng() % (b.size() + 1);
      if (rng() % 2 && at < b.size()) b.erase(b.begin() + static_cast<long>(at));
      else b.insert(b.begin() + static_cast<long>(at), std::to_string(rng() % 6));
    }
    std::string sa, sb;
    for (auto& l : a) sa += l + "\n";
    for (auto& l : b) sb += l + "\n";
    std::string d = lo::unified_diff(sa, sb, "a", "b", rng() % 4);
    if (sa == sb) {
      EXPECT_EQ(d, "");
      continue;
    }
    EXPECT_EQ(patch(sa, d), sb) << d;
  }
}

TEST(UnifiedDiff, ShortestScriptAndABoundForHugeChanges) {
  std::vector<std::string_view> a = {"a", "b", "c", "a", "b", "b", "a"};
  std::vector<std::string_view> b = {"c", "b", "a", "b", "a", "c"};
  size_t edits = 0;
  for (const auto& e : lo::diff_lines(a, b))
    if (e.op != lo::LineEdit::Op::Keep) ++edits;
  EXPECT_EQ(edits, 5u);  // Myers' example: D = 5
  // Past the bound the middle is replaced as a whole, still a correct diff.
  std::string big_a, big_b;
  for (int i = 0; i < 3000; ++i) {
    big_a += "a" + std::to_string(i) + "\n";
    big_b += "b" + std::to_string(i) + "\n";
  }
  std::string d = lo::unified_diff(big_a, big_b, "a", "b");
  EXPECT_EQ(patch(big_a, d), big_b);
}
