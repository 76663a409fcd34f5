#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "driver.hpp"
#include "lo/cli.hpp"
#include "lo/data_home.hpp"
#include "lo/error.hpp"
#include "lo/exec.hpp"
#include "lo/version.hpp"

namespace lo::cmd {

int version(const Argv& args) {
  Args a(common_flags() + std::vector<Flag>{{"output", 'o', true, "FORMAT", "json for a machine-readable answer"}}, args);
  if (a.has("help")) {
    std::cout << "Print lo's version.\n\nUsage:\n  kubectl lo version [-o json]\n\nFlags:\n"
              << format_flags(common_flags()) << "  -o, --output FORMAT   json\n";
    return kExitOk;
  }
  if (output_format(a, {"json", "text"}, "text") == "json") {
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
  }
  else
    std::cout << "lo version v" << kVersion << "\n";
  return kExitOk;
}

int dispatch(const std::string& binary, const Argv& args, const std::string& argv0) {
  std::string target = driver::sibling_program(binary);
  std::vector<std::string> words{argv0.empty() ? binary : argv0};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> c_args;
  for (auto& w : words) c_args.push_back(w.data());
  c_args.push_back(nullptr);
  std::cout.flush();
  ::execv(target.c_str(), c_args.data());
  throw Error("cannot run " + target + ": " + std::strerror(errno));
}

}  // namespace lo::cmd
