// lo-test-apiserver: an in-memory Kubernetes API server for lo's tests.
//
//   lo-test-apiserver --dir DIR [--port N] [--crd-delay-ms MS]
//                     [--workload-delay-ms MS] [--faults FILE] [-v]
//
// Writes credentials and kubeconfigs into DIR, then DIR/url once serving.
// Stops cleanly on SIGTERM or SIGINT.
#include "server.hpp"

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <pthread.h>
#include <string>

namespace {

const char* kUsage =
    "usage: lo-test-apiserver --dir DIR [--port N] [--crd-delay-ms MS]\n"
    "                         [--workload-delay-ms MS] [--faults FILE]\n"
    "                         [--event-history N] [-v|--verbose]\n";

int usage(const std::string& problem) {
  std::cerr << "lo-test-apiserver: " << problem << "\n" << kUsage;
  return 2;
}

bool parseInt(const std::string& text, int* out) {
  try {
    size_t used = 0;
    int v = std::stoi(text, &used);
    if (used != text.size() || v < 0) return false;
    *out = v;
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

int main(int argc, char** argv) {
  lotest::ServerOptions opts;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::cout << kUsage;
      return 0;
    }
    if (arg == "-v" || arg == "--verbose") {
      opts.verbose = true;
      continue;
    }
    if (i + 1 >= argc) return usage(arg + " needs a value");
    std::string value = argv[++i];
    int number = 0;
    if (arg == "--dir") {
      opts.dir = value;
    } else if (arg == "--faults") {
      opts.faultsFile = value;
    } else if (!parseInt(value, &number)) {
      return usage(arg + ": not a number: " + value);
    } else if (arg == "--port") {
      opts.port = number;
    } else if (arg == "--crd-delay-ms") {
      opts.crdDelayMs = number;
    } else if (arg == "--workload-delay-ms") {
      opts.workloadDelayMs = number;
    } else if (arg == "--event-history") {
      opts.historyLimit = static_cast<size_t>(number);
    } else {
      return usage("unknown flag " + arg);
    }
  }
  if (opts.dir.empty()) return usage("--dir is required");

  std::error_code ec;
  std::filesystem::create_directories(opts.dir, ec);
  opts.dir = std::filesystem::absolute(opts.dir, ec).lexically_normal().string();
  while (opts.dir.size() > 1 && opts.dir.back() == '/') opts.dir.pop_back();

  // Signals are taken by sigwait below, never by a serving thread.
  std::signal(SIGPIPE, SIG_IGN);
  sigset_t stopSignals;
  sigemptyset(&stopSignals);
  sigaddset(&stopSignals, SIGTERM);
  sigaddset(&stopSignals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);

  try {
    lotest::ApiServer server(opts);
    std::string url = server.start();
    std::cerr << "lo-test-apiserver: serving " << url << " (files in " << opts.dir << ")\n";
    int sig = 0;
    sigwait(&stopSignals, &sig);
    std::cerr << "lo-test-apiserver: stopping (signal " << sig << ")\n";
    server.stop();
  } catch (const std::exception& e) {
    std::cerr << "lo-test-apiserver: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
