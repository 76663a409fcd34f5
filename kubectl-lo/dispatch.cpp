#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "commands.hpp"
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

int dispatch(const std::string& binary, const Argv& args) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path sibling = self_exe_dir() / binary;
  std::optional<fs::path> target;
  if (::access(sibling.c_str(), X_OK) == 0) target = sibling;
  else target = find_program(binary);
  if (!target)
    throw Error("cannot find " + binary + " next to " + self_exe_dir().string() + " or on PATH",
                "reinstall lo (kubectl krew install lo) so that all its binaries sit together");
  std::vector<std::string> words{binary};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> c_args;
  for (auto& w : words) c_args.push_back(w.data());
  c_args.push_back(nullptr);
  std::cout.flush();
  ::execv(target->c_str(), c_args.data());
  throw Error("cannot run " + target->string() + ": " + std::strerror(errno));
}

}  // namespace lo::cmd
