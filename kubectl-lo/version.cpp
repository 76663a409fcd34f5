// kubectl lo version [-o json].
#include <iostream>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "lo/data_home.hpp"
#include "lo/error.hpp"
#include "lo/version.hpp"

namespace lo::cmd {
namespace {

int version(const cli::Args& a) {
  if (a.output("text") == "json") {
    // Where lo's data (addons/, tilt/) comes from: LOK8S_HOME, a krew
    // install, an install prefix or the build tree (lo/data_home.hpp); the
    // Tilt extension a project's Tiltfile loads.
    const DataHome& h = data_home();
    std::vector<std::string> searched;
    for (const auto& p : h.searched) searched.push_back(p.string());
    nlohmann::ordered_json j = {{"version", kVersion},
                                {"data", {{"dir", h.dir.string()}, {"from", h.from}, {"found", h.found}, {"searched", searched},
                                          {"tiltExtension", tilt_extension().string()}}}};
    std::cout << j.dump(2) << "\n";
  } else
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
