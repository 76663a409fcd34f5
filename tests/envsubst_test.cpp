// The envsubst pass of `kubectl lo build` (kubectl-lo-build/envsubst.hpp):
// only LOK8S_SPEC_* / LOK8S_USER_* are substituted, everything else is kept
// byte for byte, and where GNU envsubst is installed the output is checked
// against it.
#include <gtest/gtest.h>

#include "kubectl-lo-build/envsubst.hpp"
#include "lo/exec.hpp"

namespace {

using lo::build::envsubst;
using lo::build::VarMap;

const VarMap kVars = {
    {"LOK8S_SPEC_LOADBALANCER_POOL", "10.125.125.125-10.125.125.150"},
    {"LOK8S_SPEC_CLUSTER_DOMAIN", "lok8s.dev"},
    {"LOK8S_USER_API_HOST", "1.2.3.4"},
    {"LOK8S_SPEC_EMPTY", ""},
    {"LOK8S_SPEC_FOO", "foo"},
};

TEST(Envsubst, SubstitutesBracedAndBareFormsOfBothFamilies) {
  EXPECT_EQ(envsubst("pool: ${LOK8S_SPEC_LOADBALANCER_POOL}\n", kVars), "pool: 10.125.125.125-10.125.125.150\n");
  EXPECT_EQ(envsubst("host: $LOK8S_USER_API_HOST:6443", kVars), "host: 1.2.3.4:6443");
  EXPECT_EQ(envsubst("${LOK8S_SPEC_CLUSTER_DOMAIN}${LOK8S_SPEC_FOO}", kVars), "lok8s.devfoo");
  EXPECT_EQ(envsubst("a${LOK8S_SPEC_EMPTY}b", kVars), "ab");
}

TEST(Envsubst, LeavesEveryOtherDollarTextUntouched) {
  for (const char* text : {"${HOME} $HOME $(FOO) $$ $ a$ ${} ${ $1 ${1} $-x",
                           "${LOK8S_SPEC_FOO:-default} ${LOK8S_SPEC_FOO", "${LOK8S_OTHER_X} $LOK8S_OTHER",
                           "${lok8s_spec_foo} ${LOK8S_SPEC_} $LOK8S_USER_", "echo \"$(date)\" `id` $[1+1]"})
    EXPECT_EQ(envsubst(text, kVars), text) << text;
}

TEST(Envsubst, UnsetVariablesOfTheFamiliesStayLiteral) {
  EXPECT_EQ(envsubst("${LOK8S_SPEC_UNSET} $LOK8S_USER_UNSET", kVars), "${LOK8S_SPEC_UNSET} $LOK8S_USER_UNSET");
}

TEST(Envsubst, BareFormTakesTheLongestName) {
  EXPECT_EQ(envsubst("$LOK8S_SPEC_FOOBAR", kVars), "$LOK8S_SPEC_FOOBAR");
  EXPECT_EQ(envsubst("$LOK8S_SPEC_FOO-bar $LOK8S_SPEC_FOO.x", kVars), "foo-bar foo.x");
  EXPECT_EQ(envsubst("$$LOK8S_SPEC_FOO", kVars), "$foo");
}

TEST(Envsubst, KeepsBytesAroundSubstitutions) {
  const char raw[] = "caf\xc3\xa9 \0 ${LOK8S_SPEC_FOO}\r\n\xff";
  const char expected[] = "caf\xc3\xa9 \0 foo\r\n\xff";
  std::string text(raw, sizeof raw - 1), want(expected, sizeof expected - 1);
  EXPECT_EQ(envsubst(text, kVars), want);
  EXPECT_EQ(envsubst("", kVars), "");
  EXPECT_EQ(envsubst("no dollar at all", kVars), "no dollar at all");
}

TEST(Envsubst, RecordsEveryReferencedNameOfTheFamilies) {
  std::set<std::string> refs;
  envsubst("${LOK8S_SPEC_FOO} $LOK8S_USER_UNSET ${HOME} $LOK8S_OTHER ${LOK8S_SPEC_BAD:-x}", kVars, &refs);
  EXPECT_EQ(refs, (std::set<std::string>{"LOK8S_SPEC_FOO", "LOK8S_USER_UNSET"}));
}

TEST(Envsubst, SpecValuesWinOverTheEnvironment) {
  std::vector<std::pair<std::string, std::string>> spec = {{"LOK8S_SPEC_CLUSTER_DOMAIN", "from-spec"},
                                                           {"NOT_OURS", "x"}};
  const char* env[] = {"LOK8S_SPEC_CLUSTER_DOMAIN=from-env", "LOK8S_SPEC_EXTRA=extra", "LOK8S_USER_TOKEN=t=1",
                       "HOME=/root", "LOK8S_OTHER=no", "MALFORMED", nullptr};
  VarMap v = lo::build::substitution_variables(spec, env);
  EXPECT_EQ(v, (VarMap{{"LOK8S_SPEC_CLUSTER_DOMAIN", "from-spec"},
                       {"LOK8S_SPEC_EXTRA", "extra"},
                       {"LOK8S_USER_TOKEN", "t=1"}}));
}

TEST(Envsubst, NamesOfTheFamilies) {
  EXPECT_TRUE(lo::build::is_substituted_name("LOK8S_SPEC_X"));
  EXPECT_TRUE(lo::build::is_substituted_name("LOK8S_USER_api_2"));
  EXPECT_FALSE(lo::build::is_substituted_name("LOK8S_SPEC_"));
  EXPECT_FALSE(lo::build::is_substituted_name("LOK8S_SPEC_A-B"));
  EXPECT_FALSE(lo::build::is_substituted_name("LOK8S_CLUSTER_NAME"));
}

// Same answers as GNU envsubst given the whitelist upstream lo passed it.
TEST(Envsubst, MatchesGnuEnvsubstWithAWhitelist) {
  auto gnu = lo::find_program("envsubst");
  if (!gnu) GTEST_SKIP() << "GNU envsubst (gettext-base) is not installed";
  std::string corpus =
      "a: ${LOK8S_SPEC_FOO} $LOK8S_SPEC_FOO $LOK8S_SPEC_FOOBAR ${LOK8S_SPEC_FOO\n"
      "b: $$LOK8S_USER_API_HOST ${LOK8S_USER_API_HOST}x $LOK8S_USER_API_HOST_\n"
      "c: ${HOME} $HOME $(cmd) ${LOK8S_SPEC_UNSET} $LOK8S_SPEC_UNSET $ ${ ${} $\n"
      "d: ${LOK8S_SPEC_EMPTY}|$LOK8S_SPEC_EMPTY| ${LOK8S_SPEC_FOO:-x} \\$LOK8S_SPEC_FOO $";
  lo::ExecOptions o;
  o.stdin_data = corpus;
  o.env = {{"LOK8S_SPEC_FOO", "foo"}, {"LOK8S_USER_API_HOST", "1.2.3.4"}, {"LOK8S_SPEC_EMPTY", ""}};
  auto r = lo::run({gnu->string(), "${LOK8S_SPEC_FOO} ${LOK8S_USER_API_HOST} ${LOK8S_SPEC_EMPTY} "}, o);
  ASSERT_TRUE(r.ok()) << r.err;
  EXPECT_EQ(envsubst(corpus, kVars), r.out);
}

}  // namespace
