// Ctrl-C and SIGTERM during a build. The first signal is recorded and passed
// on to the running kustomize children; targets not started are skipped and
// nothing half-done is written (folder.hpp checks the flag before it renames
// anything). A second signal kills the children outright. The build then
// exits with 128 + the signal number (130 for Ctrl-C).
#pragma once

#include <atomic>

namespace lo::build {

// The first signal received, 0 while none.
extern std::atomic<int> g_interrupt;

void install_interrupt_handlers();

}  // namespace lo::build
