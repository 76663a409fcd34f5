#include "kubectl-lo-build/interrupt.hpp"

#include <signal.h>

#include "lo/exec.hpp"

namespace lo::build {

std::atomic<int> g_interrupt{0};

namespace {

extern "C" void on_interrupt(int sig) {
  int expected = 0;
  bool first = g_interrupt.compare_exchange_strong(expected, sig);
  signal_children(first ? sig : SIGKILL);
}

}  // namespace

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
}

}  // namespace lo::build
