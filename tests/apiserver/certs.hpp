// Test credentials minted in memory with OpenSSL at start: a CA, a server
// certificate for 127.0.0.1/localhost, an admin client certificate
// (CN=lo-test-admin, O=system:masters) and a random bearer token.
#pragma once

#include <string>

namespace lotest {

struct Credentials {
  std::string caCert;      // PEM
  std::string serverCert;  // PEM, signed by the CA
  std::string serverKey;   // PEM (PKCS#8)
  std::string clientCert;  // PEM, signed by the CA
  std::string clientKey;   // PEM (PKCS#8)
  std::string token;       // 64 hex characters
};

// Throws std::runtime_error naming the OpenSSL step that failed.
Credentials mintCredentials();

// `n` random bytes from OpenSSL's CSPRNG, as lowercase hex.
std::string randomHex(int n);

}  // namespace lotest
