// kubectl lo version [-o json].
#include <iostream>

#include "commands.hpp"
#include "lo/error.hpp"
#include "lo/version.hpp"

namespace lo::cmd {
namespace {

int version(const cli::Args& a) {
  if (a.output("text") == "json")
    std::cout << "{\"version\": \"" << kVersion << "\"}\n";
  else
    std::cout << "lo version v" << kVersion << "\n";
  return kExitOk;
}

}  // namespace

const cli::Command version_command{
    .name = "version",
    .summary = "Print the version",
    .usage = "[-o json]",
    .about = "Print lo's version.",
    .flags = [](cli::Options& o) { cli::output_flag(o, {"text", "json"}, "json for a machine-readable answer"); },
    .run = version,
};

}  // namespace lo::cmd
