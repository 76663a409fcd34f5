// The HTTPS front: TLS with the minted certificates, client-certificate and
// bearer-token authentication, the /lo-test/ control endpoints (stats,
// faults), fault injection, and streaming of watches. One thread serves one
// connection (watches are long-lived); sockets get TCP_NODELAY.
#pragma once

#include "api.hpp"
#include "certs.hpp"
#include "controllers.hpp"

#include <memory>
#include <string>
#include <thread>

namespace lotest {

struct ServerOptions {
  std::string dir;  // absolute
  int port = 0;
  int crdDelayMs = 200;
  int workloadDelayMs = 100;
  std::string faultsFile;
  size_t historyLimit = 50000;
  bool verbose = false;
};

class ApiServer {
 public:
  explicit ApiServer(ServerOptions options);
  ~ApiServer();

  // Mints credentials, listens on 127.0.0.1, writes the client files and
  // finally DIR/url. Returns the URL. Throws std::runtime_error on failure.
  std::string start();
  // Stops listening, ends watches and closes connections; idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lotest
