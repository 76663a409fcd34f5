#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "commands.hpp"
#include "driver.hpp"
#include "lo/cli.hpp"
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
  if (output_format(a, {"json", "text"}, "text") == "json")
    std::cout << "{\"version\": \"" << kVersion << "\"}\n";
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
