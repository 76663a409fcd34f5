// lo/cli.hpp: kubectl's flag manners on Boost.ProgramOptions, the values
// of flags, and help made from the option table.
#include <gtest/gtest.h>

#include "lo/cli.hpp"
#include "lo/error.hpp"

namespace cli = lo::cli;

namespace {

// A command with a flag of every kind.
cli::Options table() {
  cli::Options o;
  o.add_options()
      ("filter", cli::text("KEY=VALUE")->repeatable(), "repeatable")
      ("wait", cli::boolean(), "a boolean, default true")
      ("force,f", cli::boolean(), "a boolean with a shorthand")
      ("jobs,j", cli::number("N", 1, 64), "a number")
      ("timeout", cli::duration(false), "a positive duration")
      ("name", cli::text("NAME"), "text");
  cli::output_flag(o, {"yaml", "json"}, "yaml or json");
  cli::domain_flag(o);
  cli::common_flags(o);
  return o;
}

cli::Args parse(std::vector<std::string> words) { return cli::Args(table(), words); }

// The message of the usage error `words` make, or "" when they parse.
std::string usage_error(std::vector<std::string> words) {
  try {
    parse(words);
  } catch (const lo::UsageError& e) {
    EXPECT_EQ(e.exit_code(), lo::kExitUsage);
    return e.problems().front().what;
  }
  return "";
}

}  // namespace

TEST(Cli, FlagsBeforeAndAfterPositionals) {
  auto a = parse({"--name", "x", "dom", "-o", "json", "web", "--jobs=3", "api"});
  EXPECT_EQ(a.positionals(), (std::vector<std::string>{"dom", "web", "api"}));
  EXPECT_EQ(a.get("name"), "x");
  EXPECT_EQ(a.output("yaml"), "json");
  EXPECT_EQ(a.get_number("jobs"), 3);
}

TEST(Cli, ValueSpellings) {
  for (auto words : std::vector<std::vector<std::string>>{
           {"-o", "json"}, {"-ojson"}, {"-o=json"}, {"--output", "json"}, {"--output=json"}})
    EXPECT_EQ(parse(words).output("yaml"), "json") << words[0];
  EXPECT_EQ(parse({}).output("yaml"), "yaml");
  EXPECT_EQ(parse({"-o", ""}).output("yaml"), "yaml");
  EXPECT_EQ(parse({"--name="}).get("name"), "");
  EXPECT_EQ(parse({"-j4"}).get_number("jobs"), 4);
}

TEST(Cli, Verbosity) {
  EXPECT_EQ(parse({}).verbosity(), 0);
  EXPECT_EQ(parse({"-v"}).verbosity(), 1);
  EXPECT_EQ(parse({"-v=3"}).verbosity(), 3);
  EXPECT_EQ(parse({"--v=3"}).verbosity(), 3);
  EXPECT_EQ(parse({"-v3"}).verbosity(), 3);
  EXPECT_EQ(parse({"--v"}).verbosity(), 1);
  // -v alone does not swallow the next word (it is a DOMAIN, not a level).
  auto a = parse({"-v", "lok8s.dev"});
  EXPECT_EQ(a.verbosity(), 1);
  EXPECT_EQ(a.positionals(), std::vector<std::string>{"lok8s.dev"});
  EXPECT_EQ(usage_error({"-v=11"}), "invalid --v '11'");
  EXPECT_EQ(usage_error({"--v=x"}), "invalid --v 'x'");
}

TEST(Cli, BooleansRememberAnExplicitFalse) {
  auto a = parse({"--wait=false", "--filter", "type=system"});
  EXPECT_TRUE(a.given("wait"));
  EXPECT_FALSE(a.has("wait"));
  EXPECT_FALSE(a.flag("wait", true));
  EXPECT_EQ(a.all("filter"), std::vector<std::string>{"type=system"});
  EXPECT_TRUE(parse({"--wait"}).flag("wait", false));
  EXPECT_TRUE(parse({"--wait=true"}).has("wait"));
  EXPECT_TRUE(parse({}).flag("wait", true));
  EXPECT_FALSE(parse({}).given("wait"));
  // The last spelling wins.
  EXPECT_TRUE(parse({"--wait=false", "--wait"}).flag("wait", false));
  EXPECT_FALSE(parse({"--wait", "--wait=false"}).flag("wait", true));
  // A boolean never takes the next word: "false" is a positional here.
  auto b = parse({"--wait", "false"});
  EXPECT_TRUE(b.has("wait"));
  EXPECT_EQ(b.positionals(), std::vector<std::string>{"false"});
  EXPECT_EQ(usage_error({"--wait=maybe"}), "invalid --wait 'maybe'");
}

TEST(Cli, ShorthandsStick) {
  auto a = parse({"-fh"});
  EXPECT_TRUE(a.has("force"));
  EXPECT_TRUE(a.has("help"));
  EXPECT_FALSE(parse({"-f=false"}).has("force"));
  auto b = parse({"-fojson"});
  EXPECT_TRUE(b.has("force"));
  EXPECT_EQ(b.output(""), "json");
}

TEST(Cli, RepeatableKeepsEveryValueOthersTheLast) {
  auto a = parse({"--filter", "a=1", "--filter=b=2", "--name", "x", "--name", "y"});
  EXPECT_EQ(a.all("filter"), (std::vector<std::string>{"a=1", "b=2"}));
  EXPECT_EQ(a.get("name"), "y");
  EXPECT_EQ(a.all("name"), std::vector<std::string>{"y"});
}

TEST(Cli, DoubleDashEndsFlags) {
  auto a = parse({"-o", "json", "--", "--name", "-v", "x"});
  EXPECT_EQ(a.positionals(), (std::vector<std::string>{"--name", "-v", "x"}));
  EXPECT_FALSE(a.given("name"));
  EXPECT_EQ(a.verbosity(), 0);
  // A lone "-" is a word (stdin), not a flag.
  EXPECT_EQ(parse({"-"}).positionals(), std::vector<std::string>{"-"});
}

TEST(Cli, KubectlWording) {
  EXPECT_EQ(usage_error({"--foo"}), "unknown flag: --foo");
  EXPECT_EQ(usage_error({"--foo=1"}), "unknown flag: --foo");
  EXPECT_EQ(usage_error({"-x"}), "unknown shorthand flag: 'x' in -x");
  EXPECT_EQ(usage_error({"-fx"}), "unknown shorthand flag: 'x' in -fx");
  EXPECT_EQ(usage_error({"--output"}), "flag needs an argument: --output");
  EXPECT_EQ(usage_error({"web", "-o"}), "flag needs an argument: 'o' in -o");
  EXPECT_EQ(usage_error({"---x"}), "bad flag syntax: ---x");
  // Prefixes are not guessed (Boost.PO would take --out for --output).
  EXPECT_EQ(usage_error({"--out", "json"}), "unknown flag: --out");
}

TEST(Cli, ValuesAreCheckedWhenStored) {
  EXPECT_EQ(usage_error({"-o", "wide"}), "invalid --output 'wide'");
  EXPECT_EQ(usage_error({"--jobs", "0"}), "invalid --jobs '0'");
  EXPECT_EQ(usage_error({"--jobs", "65"}), "invalid --jobs '65'");
  EXPECT_EQ(usage_error({"--jobs", "3x"}), "invalid --jobs '3x'");
  EXPECT_EQ(usage_error({"--timeout", "soon"}), "invalid --timeout 'soon'");
  EXPECT_EQ(usage_error({"--timeout", "0s"}), "invalid --timeout '0s'");
  EXPECT_EQ(usage_error({"--log-format", "xml"}), "invalid --log-format 'xml'");
  EXPECT_EQ(parse({"--timeout", "1m30s"}).get_duration("timeout"), std::chrono::milliseconds(90000));
  try {
    parse({"-o", "wide"});
    FAIL();
  } catch (const lo::UsageError& e) {
    EXPECT_EQ(e.problems().front().hint, "allowed: yaml, json");
  }
}

TEST(Cli, HelpListsTheTable) {
  cli::Command c{"demo", "Demo things"};
  c.usage = "[DOMAIN]\n--name NAME";
  cli::Program p{"kubectl lo", "kubectl-lo", "lo", {}};
  std::string help = cli::help_screen(p, c, table());
  EXPECT_NE(help.find("Usage:\n  kubectl lo demo [DOMAIN]\n  kubectl lo demo --name NAME\n"), std::string::npos) << help;
  EXPECT_NE(help.find("  -o, --output FORMAT "), std::string::npos) << help;
  EXPECT_NE(help.find("      --filter KEY=VALUE "), std::string::npos) << help;
  EXPECT_NE(help.find("  -f, --force "), std::string::npos) << help;
  EXPECT_NE(help.find("  -v, --v LEVEL "), std::string::npos) << help;
  EXPECT_NE(help.find("      --log-format FORMAT "), std::string::npos) << help;
  EXPECT_EQ(help.find("--wait VALUE"), std::string::npos);
}
