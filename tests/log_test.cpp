// lo/log.hpp on spdlog: lo's text lines unchanged, -v levels, and
// --log-format=json lines that stay whole when worker threads log at once.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>

#include "lo/log.hpp"

namespace {

// Everything written to stderr while `body` runs.
std::string capture_stderr(const std::function<void()>& body) {
  std::fflush(stderr);
  int saved = ::dup(2);
  FILE* f = std::tmpfile();
  ::dup2(::fileno(f), 2);
  body();
  std::fflush(stderr);
  ::dup2(saved, 2);
  ::close(saved);
  std::string out;
  std::rewind(f);
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
  std::fclose(f);
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// Puts the log back as a process starts: text, -v=0.
struct LogReset {
  ~LogReset() { lo::log::init("lo", 0, lo::log::Format::Text); }
};

}  // namespace

TEST(Log, TextLinesAreLosOwn) {
  LogReset reset;
  lo::log::init("kubectl-lo", 0, lo::log::Format::Text);
  std::string out = capture_stderr([] {
    lo::log::problem("kubectl lo", lo::Problem{lo::Severity::Error, lo::Location{"clusters/a/cluster.lok8s.yaml", "spec.nodes", 7},
                                               "must be a mapping", "write nodes: {workers: 1}"});
    lo::log::warning("kubectl lo", "careful");
    lo::log::note("lok8s.dev: 2 built, 0 unchanged (2 targets) in 0.10s", {{"domain", "lok8s.dev"}});
    lo::log::debug(1, "hidden at -v=0");
  });
  EXPECT_EQ(out,
            "kubectl lo: error: clusters/a/cluster.lok8s.yaml:7: spec.nodes: must be a mapping\n"
            "  hint: write nodes: {workers: 1}\n"
            "kubectl lo: warning: careful\n"
            "lok8s.dev: 2 built, 0 unchanged (2 targets) in 0.10s\n");
}

TEST(Log, VerbosityChoosesTheLines) {
  LogReset reset;
  auto at = [](int v) {
    lo::log::init("lo", v, lo::log::Format::Text);
    return capture_stderr([] {
      lo::log::debug(1, "info");
      lo::log::debug(2, "debug");
      lo::log::debug(6, "GET /api 200");
    });
  };
  EXPECT_EQ(at(0), "");
  EXPECT_EQ(at(1), "info\n");
  EXPECT_EQ(at(2), "info\ndebug\n");
  EXPECT_EQ(at(6), "info\ndebug\nGET /api 200\n");
}

TEST(Log, JsonLinesFromTwoThreadsStayWhole) {
  LogReset reset;
  lo::log::init("kubectl-lo-build", 2, lo::log::Format::Json);
  constexpr int kLines = 2000;
  // Long messages, so that a torn write would show.
  std::string filler(300, 'x');
  std::string out = capture_stderr([&] {
    auto worker = [&](const std::string& target) {
      for (int i = 0; i < kLines; ++i)
        lo::log::note("built " + target + " " + std::to_string(i) + " " + filler,
                      {{"domain", "lok8s.dev"}, {"target", target}, {"n", std::to_string(i)}});
    };
    std::thread a(worker, "web"), b(worker, "api");
    lo::log::debug(2, "a \"quoted\"\tdebug line\nwith a newline");
    a.join();
    b.join();
    lo::log::problem("kubectl lo build",
                     lo::Problem{lo::Severity::Error, lo::Location{"f.yaml", "spec.x", 3}, "bad", "fix it"});
  });
  auto lines = lines_of(out);
  ASSERT_EQ(lines.size(), 2u * kLines + 2);
  std::map<std::string, int> next{{"web", 0}, {"api", 0}};
  std::regex time(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
  for (const auto& line : lines) {
    auto j = nlohmann::json::parse(line);  // throws on a torn or mixed line
    EXPECT_TRUE(std::regex_match(j.at("time").get<std::string>(), time)) << line;
    EXPECT_EQ(j.at("binary"), "kubectl-lo-build");
    if (j.contains("target")) {
      std::string t = j.at("target");
      EXPECT_EQ(j.at("level"), "info");
      EXPECT_EQ(j.at("domain"), "lok8s.dev");
      // Each thread's lines come out whole and in its own order.
      EXPECT_EQ(j.at("n"), std::to_string(next[t]));
      EXPECT_EQ(j.at("message"), "built " + t + " " + std::to_string(next[t]) + " " + filler);
      ++next[t];
    } else if (j.at("level") == "debug") {
      EXPECT_EQ(j.at("message"), "a \"quoted\"\tdebug line\nwith a newline");
    } else {
      EXPECT_EQ(j.at("level"), "error");
      EXPECT_EQ(j.at("message"), "bad");
      EXPECT_EQ(j.at("file"), "f.yaml");
      EXPECT_EQ(j.at("line"), 3);
      EXPECT_EQ(j.at("field"), "spec.x");
      EXPECT_EQ(j.at("hint"), "fix it");
    }
  }
  EXPECT_EQ(next["web"], kLines);
  EXPECT_EQ(next["api"], kLines);
}

TEST(Log, NoColourOffATerminalNorInJson) {
  LogReset reset;
  lo::log::init("lo", 0, lo::log::Format::Json);
  EXPECT_FALSE(lo::log::color());
  EXPECT_EQ(lo::log::red("x"), "x");
  EXPECT_FALSE(lo::log::live_status());
}
