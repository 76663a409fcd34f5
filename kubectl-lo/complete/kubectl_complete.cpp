// kubectl_complete-<plugin>: kubectl (>= 1.26) runs it from PATH for
// `kubectl <plugin> <TAB>`, with the words after the plugin's name (the word
// under the cursor last, "" after a space), and reads cobra's answer from its
// stdout (lo/completion.hpp). It hands the words to the plugin's own binary,
// found beside it: `<binary> __complete WORD...`, telling it kubectl asks.
// Built once per plugin lo installs; LO_COMPLETE_TARGET names the binary.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "lo/completion.hpp"
#include "lo/exec.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args{LO_COMPLETE_TARGET, "__complete"};
  args.insert(args.end(), argv + 1, argv + argc);
  ::setenv(lo::cli::kCompletionHostVariable, "kubectl", 1);
  try {
    lo::exec_program(lo::sibling_program(LO_COMPLETE_TARGET), args);
  } catch (const std::exception&) {
    // No binary to ask: offer nothing rather than file names.
    std::printf(":%d\n", lo::cli::kCompNoFiles);
  }
  return 0;
}
